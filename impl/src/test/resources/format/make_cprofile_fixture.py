# Regenerates cprofile-fixture.prof and cprofile-fixture.txt (run from this directory with python3):
# a real cProfile dump (ref flags, back-references, short strings, as CPython writes them) and what
# pstats prints for it. The loader and fuzz tests use the dump without needing python3.
import cProfile, pstats, io

PROGRAM = '''
clock = [0]

def advance(ns):
    clock[0] += ns

def leaf():
    advance(1300000)

def even(n):
    leaf()
    if n > 0:
        odd(n - 1)

def odd(n):
    advance(250000)
    leaf()
    if n > 0:
        even(n - 1)

def recurse(c, n):
    advance(10000000)
    if c < n:
        recurse(c + 1, n)
    advance(1000000)

def café():
    sorted([3, 1, 2])

def main():
    for _ in range(3):
        even(4)
    recurse(0, 3)
    recurse(0, 1)
    café()
    leaf()
'''

env = {}
exec(compile(PROGRAM, "/src/pa/fixture.py", "exec"), env)
pr = cProfile.Profile(lambda: env["clock"][0], 1e-9)
pr.enable()
env["main"]()
pr.disable()
pr.dump_stats("cprofile-fixture.prof")
out = io.StringIO()
s = pstats.Stats("cprofile-fixture.prof", stream=out)
s.sort_stats("cumulative", "name").print_stats()
s.print_callers()
s.print_callees()
# drop the header line (it holds the file's mtime) and the empty line after it
with open("cprofile-fixture.txt", "w") as f:
    f.write(out.getvalue().split("\n", 2)[2])
