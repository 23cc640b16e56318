"""The benchmark suite: synthetic graphs of our domain from the article's size to millions of
triples, and the time and memory of each step users wait on. Run ``python -m benchmarks run``."""
