.PHONY: run test bench

# Start the portal with demo data on the embedded default (http://127.0.0.1:8000, PORT overrides).
run:
	@scripts/run.sh

# Run every check and test on a throwaway PostgreSQL (or on DATABASE_URL if given).
# One test: make test ARGS="tests/agencies/test_visibility.py -k outsider"
test:
	@scripts/test.sh $(ARGS)

# Speed targets, measured (never by timed tests). Prints the figures and the core count.
# Some: make bench ARGS=deadlines BENCH_DEADLINES=100000 (see scripts/bench.sh)
bench:
	@scripts/bench.sh $(ARGS)
