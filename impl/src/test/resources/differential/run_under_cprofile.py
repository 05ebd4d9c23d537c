"""Runs generated programs under cProfile on an integer tick clock and prints pstats' reports.

Reads a JSON list of programs from the file named by argv[1]; each has the Python source of its
functions, the calls to make at top level and the reports to print. Writes every report to
stdout, each preceded by a marker line. One process for all programs keeps the test fast.
"""
import cProfile
import json
import pstats
import sys


class Snapshot:
    """Hands pstats a stats dict as a profiler would (pstats calls create_stats, then reads stats)."""

    def __init__(self, stats):
        self.stats = stats

    def create_stats(self):
        pass


def first_call_order(namespace, entries):
    """The function keys in the order of their first call (treeprof's row order)."""
    order = {}

    def hook(frame, event, arg):
        if event == 'call':
            code = frame.f_code
            order.setdefault((code.co_filename, code.co_firstlineno, code.co_name), None)

    sys.setprofile(hook)
    try:
        for index, depth in entries:
            namespace['_f%d' % index](depth)
    finally:
        sys.setprofile(None)
    return list(order)


def main():
    programs = json.load(open(sys.argv[1], encoding='utf-8'))
    out = sys.stdout
    for p, program in enumerate(programs):
        clock = [0]
        namespace = {'clock': clock}
        exec(compile(program['source'], program['file'], 'exec'), namespace)
        entries = program['entries']
        order = first_call_order(namespace, entries)
        clock[0] = 0
        pr = cProfile.Profile(lambda: clock[0], 1e-9, builtins=False)
        pr.enable()
        for index, depth in entries:
            namespace['_f%d' % index](depth)
        pr.disable()
        pr.create_stats()
        # cProfile's own dict order follows code object addresses: print in first-call order,
        # the order treeprof keeps, so that ties in a sort and the sum of the header agree
        assert set(order) == set(pr.stats), (order, list(pr.stats))
        ordered = {key: pr.stats[key] for key in order}
        for c, case in enumerate(program['cases']):
            out.write('=====P%d C%d=====\n' % (p, c))
            s = pstats.Stats(Snapshot(dict(ordered)), stream=out)
            s.sort_stats(*case['sort'])
            report = {'stats': s.print_stats, 'callers': s.print_callers, 'callees': s.print_callees}
            report[case['mode']](*case['restrict'])
    out.flush()


if __name__ == '__main__':
    main()
