"""The baseline: Flask's "hello world" under the same gunicorn settings as ckpld."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
