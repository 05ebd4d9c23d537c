"""Makes real pstats dumps and prints pstats' reports of dump files.

make DIR: writes three dumps of one program into DIR: cprofile-real.prof (cProfile, the real
clock: times with every digit, built-ins), cprofile-ticks.prof (cProfile on an integer tick clock:
halfway times) and profile-module.prof (the pure-Python profile module, whose callers are bare
call counts), and merged-stripped.prof (the first two added and stripped by pstats).

print CASES.json: prints, for each case {file, sort, mode, restrict}, what pstats prints for that
file, without the file's header line, preceded by a marker line.
"""
import cProfile
import json
import profile
import pstats
import sys
import time


def leaf(n):
    return sum(range(n))


def even(n):
    leaf(50)
    if n > 0:
        odd(n - 1)


def odd(n):
    leaf(70)
    sorted([3, 1, 2])
    if n > 0:
        even(n - 1)


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def café(n):
    time.sleep(0.0002)
    if n:
        café(n - 1)


def main():
    for _ in range(3):
        even(5)
    fib(12)
    café(3)
    [leaf(i) for i in range(20)]


def make(directory):
    pr = cProfile.Profile()
    pr.enable()
    main()
    pr.disable()
    pr.dump_stats(directory + '/cprofile-real.prof')

    clock = [0]

    def tick():
        clock[0] += 500000
        return clock[0]

    pr = cProfile.Profile(tick, 1e-9)
    pr.enable()
    main()
    pr.disable()
    pr.dump_stats(directory + '/cprofile-ticks.prof')

    pr = profile.Profile()
    pr.runcall(main)
    pr.dump_stats(directory + '/profile-module.prof')

    merged = pstats.Stats(directory + '/cprofile-real.prof', directory + '/cprofile-ticks.prof')
    merged.strip_dirs()
    merged.dump_stats(directory + '/merged-stripped.prof')


def print_cases(path):
    cases = json.load(open(path, encoding='utf-8'))
    out = sys.stdout
    for i, case in enumerate(cases):
        out.write('=====CASE %d=====\n' % i)
        s = pstats.Stats(case['file'], stream=out)
        s.files = []
        if case['sort']:
            s.sort_stats(*case['sort'])
        report = {'stats': s.print_stats, 'callers': s.print_callers, 'callees': s.print_callees}
        report[case['mode']](*case['restrict'])
    out.flush()


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make(sys.argv[2])
    else:
        print_cases(sys.argv[2])
