"""Writes a pstats file of N functions (default 100,000), seeded: each function has 1 to 4 callers
with cProfile-style (calls, primitive calls, tottime, cumtime) tuples; keys share their file name
strings, as cProfile's do. Usage: make_big_prof.py OUT.prof [N]
"""
import marshal, random, sys
random.seed(11)
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
files = ['/srv/app/pkg%d/module%d.py' % (i // 50, i) for i in range(n // 100)]
names = ['handler_%d' % i for i in range(5000)]
keys = []
for i in range(n):
    keys.append((files[i % len(files)], 10 + (i // len(files)) * 7, names[random.randrange(len(names))] + '_%d' % i))
stats = {}
for i, k in enumerate(keys):
    callers = {}
    for _ in range(random.randint(1, 4)):
        c = keys[random.randrange(n)]
        nc = random.randint(1, 50)
        callers[c] = (nc, nc, random.random() * 0.01, random.random() * 0.1)
    total = sum(v[0] for v in callers.values())
    stats[k] = (total, total, sum(v[2] for v in callers.values()), sum(v[3] for v in callers.values()), callers)
with open(sys.argv[1], 'wb') as f:
    marshal.dump(stats, f)
