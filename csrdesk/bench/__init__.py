"""Benchmark, self-timing and screenshot tools: they drive the app from outside, importing any layer; nothing imports
them. `python -m csrdesk.bench` times what users wait for; `python -m csrdesk.bench.screenshots` renders the window."""
