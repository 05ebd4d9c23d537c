import os, random, time, io, sys
from flask import Flask
from werkzeug.middleware.profiler import ProfilerMiddleware
random.seed(7)
fname = os.path.basename(__file__)
app = Flask(__name__)
mode = sys.argv[1]
if mode == 'plain':
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app, sort_by=('cumtime', 'ncalls'))
elif mode == 'restrict':
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app, sort_by=('cumtime', 'ncalls'), restrictions=(fname,))
elif mode == 'dir':
    os.makedirs('profile_output', exist_ok=True)
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app, sort_by=('cumtime', 'ncalls'), stream=None, profile_dir='./profile_output', filename_format='{method}.{path}.prof')
@app.route('/')
def get_hello():
    ncalls = 6
    val = 0.02
    start = time.time()
    def recurse_and_sleep(count):
        if count == ncalls:
            return
        time.sleep(val)
        recurse_and_sleep(count + 1)
    recurse_and_sleep(0)
    return f'The server slept for {val} seconds for {ncalls} recursive calls, time taken = {time.time() - start} seconds'
@app.route('/a/b/<x>')
def deep(x): return x
c = app.test_client()
print(c.get('/').data.decode())
if mode == 'dir':
    c.get('/a/b/c'); c.get('/../../etc/passwd'); c.get('/%2e%2e/%2e%2e/x')
    print(sorted(os.listdir('profile_output')))

# Generator of flask-restrict.out (RequestProfilingTest): `python3 flaskapp.py restrict` with
# Flask 3.1 and werkzeug 3.1.8. Comments stay at the end: line numbers are part of the output.
# Flask and werkzeug come from PyPI, which the build machines cannot reach, so the test compares
# against the output kept here, times masked.
