# Makker: `make run` serves the embedded default, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint messages-extract messages-update constraints bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/pybabel compile --statistics -D makker -d messages/locale

run: install
	$(BIN)/makker serve

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot flows messages scheduler webhooks tests bench
	$(BIN)/pytest

messages-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k T -k TN:1,2 --no-default-keywords --sort-by-file \
		--project=makker --copyright-holder=Makker --msgid-bugs-address=dev@makker.invalid \
		-o messages/makker.pot bot flows messages scheduler webhooks

messages-update: messages-extract
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D makker -i messages/makker.pot -d messages/locale

# Re-pin every dependency after changing pyproject.toml (CI installs exactly these versions).
constraints:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) build *.egg-info makker.db makker.db-wal makker.db-shm
