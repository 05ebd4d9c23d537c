import cProfile, pstats, sys
clock = [0]

def work(ms):
    clock[0] += ms
def recurse_and_sleep(c, n):
    work(10)
    if c < n:
        recurse_and_sleep(c + 1, n)
    work(1)
def a(n):
    work(2)
    if n > 0: b(n - 1)
def b(n):
    work(3)
    if n > 0: a(n - 1)
def main():
    recurse_and_sleep(0, 3)
    recurse_and_sleep(0, 1)
    a(4)

# Generator of det-cumulative-name.out (CProfileGoldenTest): cProfile on a fake clock that only
# work() advances, in ticks of 1 ms, so every number is exact. The file's path is part of the
# output: copy this file to /src/pa/det.py and run `python3 /src/pa/det.py > det-cumulative-name.out`.
if __name__ == '__main__':
    pr = cProfile.Profile(lambda: clock[0], 0.001)
    pr.enable()
    main()
    pr.disable()
    s = pstats.Stats(pr, stream=sys.stdout).sort_stats('cumulative', 'name')
    s.print_stats()
    s.print_callers()
