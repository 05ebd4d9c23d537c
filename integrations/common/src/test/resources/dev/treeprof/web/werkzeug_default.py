import time
from werkzeug.middleware.profiler import ProfilerMiddleware
from werkzeug.test import Client
from werkzeug.wrappers import Response

def handler():
    time.sleep(0.02)

def app(environ, start_response):
    handler()
    return Response("hello")(environ, start_response)

# Generator of werkzeug-default.out (RequestProfilingTest): werkzeug's ProfilerMiddleware with
# every option at its default, one request to /hello/world whose handler sleeps 20 ms:
# `python3 werkzeug_default.py > werkzeug-default.out` (werkzeug 3.1.8). werkzeug comes from
# PyPI, which the build machines cannot reach; the test compares the shape of the report only.
if __name__ == '__main__':
    Client(ProfilerMiddleware(app)).get('/hello/world')
