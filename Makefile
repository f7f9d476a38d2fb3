# PartsDesk developer commands. `make demo` and `make test` set up everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo/demo-shop.sqlite

.PHONY: demo test lint setup clean bundle translations

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

## Build the demo shop (once) and open the window on it.
demo: $(BIN)/.installed
	@test -f $(DEMO_DB) || $(BIN)/partsdesk demo --db $(DEMO_DB)
	$(BIN)/partsdesk --db $(DEMO_DB)

lint: $(BIN)/.installed
	$(BIN)/ruff check partsdesk tests
	$(BIN)/lint-imports

## Lint, then the whole suite on SQLite and on a throw-away PostgreSQL server.
test: $(BIN)/.installed
	scripts/test-all.sh

## The installer: build dist/PartsDesk (build_installer.spec, no Python needed to run it), then
## check it on its own: demo shop, `partsdesk check`, main window, cold start to the log-in.
bundle: $(BIN)/.installed
	scripts/build-bundle.sh
	scripts/check-bundle.sh

## After changing a user-visible text: collect the marked texts into partsdesk/resources/i18n/*.ts
## (new ones unfinished), compile the .qm; `scripts/i18n.py check` lists what still needs translating.
translations: $(BIN)/.installed
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf $(VENV) build dist *.egg-info
