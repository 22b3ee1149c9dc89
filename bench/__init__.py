"""Benchmark of the value dashboard at scale: `python -m bench --events 1000000,10000000`.

For each size, on a fresh embedded PostgreSQL in a temporary directory, it measures demo
generation, import against a plain COPY, the report and the data each page loads (cold
and warm), the naive approach (every event read into pandas), each page's AppTest run,
a scenario slider rerun in a real browser, and the app's peak memory; then it checks the
targets of the performance issue as ratios. Results go to bench/results/ (git-ignored).

Heavy phases (generation, validation, import, COPY, the naive read) run in child
processes (`python -m bench.worker ...`) so each one's peak memory is its own.
"""
