# Shorthands for the README's two commands (scripts/run, scripts/test), for
# machines that have make.
.PHONY: run test clean

run:
	scripts/run

test:
	scripts/test

clean:
	rm -rf build
