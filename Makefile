# Clinic loyalty addons for Odoo 18.0 — see README.md.
.PHONY: run test lint bench soak clean setup pot

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

bench:
	bash scripts/bench.sh

soak:
	bash scripts/soak.sh

clean:
	bash scripts/clean.sh

pot:
	bash scripts/pot.sh
