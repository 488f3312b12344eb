"""The speed benchmark: `python -m bench --tier S` (see the README's Benchmark section).

Not part of the product and not part of the test run. It generates a community of a known
size into a database of its own, serves it with production settings, drives HTTP load at it
from a second process and writes the figures, each also as a ratio to a floor measured in
the same run.
"""
