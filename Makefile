# make demo: start the Kapacitor emulator and configure alert endpoints against it.
# make test: every check of the collection (see `make help`).
#
# Everything is installed into virtual environments inside this checkout:
#   .venv          ansible-core 2.19 and the tools (Python 3.11 or the given PYTHON)
#   .venv-newest   the newest ansible-core (needs Python >= 3.12, found on PATH or in pyenv)
#   .venv-importer galaxy-importer (it pins versions that clash with the tools)
#   .venv-docs     antsibull-docs, Sphinx with the Ansible theme and pandoc, for `make docs`
#   .venv-awx      ansible-runner, to run examples/awx/ as AWX runs a job
# ansible-test needs the collection under .../ansible_collections/tickstack/kapacitor, so the
# checks run on a copy staged in .build/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
# The newest ansible-core needs Python 3.12+. Found on PATH or in pyenv unless given.
NEWEST_PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[3-9]*/bin/python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 2>/dev/null | sort -rV); do $$p -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null && break; done)

ROOT := $(CURDIR)
BUILD := $(ROOT)/.build
COLL := $(BUILD)/ansible_collections/tickstack/kapacitor
DIST := $(BUILD)/dist
V ?= $(ROOT)/.venv
VNEW ?= $(ROOT)/.venv-newest
VGI ?= $(ROOT)/.venv-importer
VDOCS ?= $(ROOT)/.venv-docs
VAWX ?= $(ROOT)/.venv-awx
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(DIST)/tickstack-kapacitor-$(VERSION).tar.gz

PY311_VERSION = $(shell $(V)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
NEW_VERSION = $(shell $(VNEW)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# ansible-test --venv creates its environments with python3.X found on PATH.
NEWEST_PATH = $(VNEW)/bin:$(dir $(NEWEST_PYTHON)):$(PATH)
TOOLS_PATH = $(V)/bin:$(PATH)

step = @printf '\n==> %s\n' $(1)
# The machine-wide pip configuration may name local indexes that do not exist; pip warns per package.
pip_install = $(1)/bin/pip install -q -r $(2) 2>&1 | { grep -v 'is neither a file nor a directory' || true; }

.PHONY: help venvs venv-tools venv-newest venv-importer collection test test-emulator sanity units integration lint \
        docs-lint changelog-lint build importer demo clean molecule venv-docs venv-awx docs docs-rst docs-check \
        doc-snippets awx-runner

help:
	@echo "make demo   start the Kapacitor emulator and configure alert endpoints against it"
	@echo "make test   run every check: emulator replay, ansible-test sanity/units/integration on"
	@echo "            ansible-core 2.19 and the newest release, ansible-lint, docs and changelog lint,"
	@echo "            the docs site (built, then loaded in headless Chromium), the README's and docs/'s"
	@echo "            snippets against the emulator, examples/awx through ansible-runner, build, install"
	@echo "            and galaxy-importer"
	@echo "make bench  measure what a converge costs, 1 to 21 endpoints on 1 to 50 servers, and write"
	@echo "            docs/performance.md and its plot (BENCH_ARGS='--n 1,7 --m 1,10' for another grid)"
	@echo "make docs   build the HTML documentation into .build/docs/html (make docs-check loads it in Chromium)"
	@echo "make clean  remove the venvs and the staged build"

# ---------------------------------------------------------------------------------------------
# Environments

# A venv is rebuilt only when the content of its requirements file differs from the copy kept
# inside it, so venvs shared between checkouts (V=..., VNEW=..., VGI=...) are not rebuilt by
# a newer file date alone.
ensure_venv = if ! cmp -s $(3) $(1)/.requirements 2>/dev/null; then \
	  printf '\n==> venv %s\n' $(1); \
	  rm -rf $(1) && $(2) -m venv $(1) && $(call pip_install,$(1),$(3)) && cp $(3) $(1)/.requirements; \
	fi

venv-tools:
	@$(call ensure_venv,$(V),$(PYTHON),tests/requirements/py311.txt)

venv-newest:
	@if [ -z "$(NEWEST_PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found (PATH or pyenv): the newest ansible-core cannot be tested."; \
	  echo "Install one, or point NEWEST_PYTHON=/path/to/python3.12 at it."; exit 1; fi
	@$(call ensure_venv,$(VNEW),$(NEWEST_PYTHON),tests/requirements/newest.txt)

venv-importer:
	@$(call ensure_venv,$(VGI),$(PYTHON),tests/requirements/importer.txt)

venv-docs:
	@$(call ensure_venv,$(VDOCS),$(PYTHON),tests/requirements/docs.txt)

venv-awx:
	@$(call ensure_venv,$(VAWX),$(PYTHON),tests/requirements/awx.txt)

venvs: venv-tools venv-newest venv-importer venv-docs venv-awx

collection: venv-tools
	@$(V)/bin/python tests/tools/stage_collection.py $(BUILD)

# ---------------------------------------------------------------------------------------------
# Checks

test: venvs
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-emulator collection sanity units integration molecule lint docs-lint \
	  docs docs-check doc-snippets awx-runner changelog-lint build importer bench-smoke; \
	echo; echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

test-emulator: venv-tools
	$(call step,"emulator: upstream fixture replay and behaviour tests")
	$(V)/bin/python tests/emulator/replay.py
	$(V)/bin/python -m pytest -q -p no:cacheprovider tests/emulator

sanity: collection venv-newest
	$(call step,"ansible-test sanity (ansible-core 2.19, Python $(PY311_VERSION))")
	cd $(COLL) && PATH=$(TOOLS_PATH) ansible-test sanity --venv --python $(PY311_VERSION) --color no
	$(call step,"ansible-test sanity (newest ansible-core, Python $(NEW_VERSION))")
	cd $(COLL) && PATH=$(NEWEST_PATH) ansible-test sanity --venv --python $(NEW_VERSION) --color no

units: collection venv-newest
	$(call step,"ansible-test units (ansible-core 2.19)")
	cd $(COLL) && PATH=$(TOOLS_PATH) ansible-test units --venv --python $(PY311_VERSION) --color no
	$(call step,"ansible-test units (newest ansible-core)")
	cd $(COLL) && PATH=$(NEWEST_PATH) ansible-test units --venv --python $(NEW_VERSION) --color no

integration: collection venv-newest
	$(call step,"ansible-test integration (ansible-core 2.19)")
	cd $(COLL) && PATH=$(TOOLS_PATH) ansible-test integration --local --color no
	$(call step,"ansible-test integration (newest ansible-core)")
	cd $(COLL) && PATH=$(NEWEST_PATH) ansible-test integration --local --color no

molecule: collection
	$(call step,"molecule test (role alert_endpoints, ansible-core 2.19)")
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) molecule test

lint: collection
	$(call step,"ansible-lint --profile production")
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) ansible-lint --profile production --offline

docs-lint: collection
	$(call step,"antsibull-docs lint-collection-docs --plugin-docs")
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) \
	  antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck --validate-collection-refs=self .

# The Markdown pages of docs/ are the source of the site's extra docs (docs/docsite/rst/).
docs-rst: venv-docs
	$(call step,"docs/docsite/rst/ from docs/*.md")
	$(VDOCS)/bin/python tests/tools/gen_docsite.py

docs: collection venv-docs
	$(call step,"docs site: antsibull-docs and sphinx-build -W into .build/docs/html")
	$(VDOCS)/bin/python tests/tools/gen_docsite.py --check
	PATH=$(VDOCS)/bin:$(PATH) $(VDOCS)/bin/python tests/tools/build_docs.py --collections-path $(BUILD) --dest $(BUILD)/docs

docs-check: venv-docs
	$(call step,"docs site in headless Chromium: the index and the module and extra pages")
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  echo "make docs-check: Chromium is not installed; install it (apt-get install chromium) to check the site"; exit 1; }
	$(VDOCS)/bin/python tests/tools/check_docs_site.py --html $(BUILD)/docs/html --screenshot $(BUILD)/docs/module-page.png

doc-snippets: collection
	$(call step,"every runnable snippet of README.md and docs/ against the emulator")
	COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) $(V)/bin/python -m pytest -q -p no:cacheprovider tests/tools/test_run_doc_snippets.py
	PATH=$(TOOLS_PATH) $(V)/bin/python tests/tools/run_doc_snippets.py --collections-path $(BUILD)

awx-runner: collection venv-awx
	$(call step,"examples/awx through ansible-runner as AWX runs the job")
	PATH=$(VAWX)/bin:$(PATH) $(VAWX)/bin/python tests/tools/run_awx_example.py --collections-path $(BUILD)

changelog-lint: collection
	$(call step,"antsibull-changelog lint")
	cd $(COLL) && PATH=$(TOOLS_PATH) antsibull-changelog lint

build: collection
	$(call step,"ansible-galaxy collection build and install")
	rm -rf $(DIST) $(BUILD)/installed
	cd $(COLL) && PATH=$(TOOLS_PATH) ansible-galaxy collection build --force --output-path $(DIST)
	PATH=$(TOOLS_PATH) ansible-galaxy collection install --force --no-deps $(TARBALL) -p $(BUILD)/installed
	@# The installed tarball must document exactly the modules of the source tree.
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed PATH=$(TOOLS_PATH) \
	  ansible-doc -t module -l tickstack.kapacitor | awk '{print $$1}' | sort > $(BUILD)/installed-modules.txt
	ls plugins/modules/*.py | sed 's|.*/||; s|\.py$$||; s|^|tickstack.kapacitor.|' | sort > $(BUILD)/source-modules.txt
	diff -u $(BUILD)/source-modules.txt $(BUILD)/installed-modules.txt
	test -s $(BUILD)/installed-modules.txt

importer: build venv-importer
	$(call step,"galaxy-importer")
	@# galaxy-importer installs the collection under ~/.ansible/collections, where it would
	@# shadow the copy under test in later runs: give it a home of its own. It runs its own
	@# ansible-doc and ansible-lint, found on PATH.
	rm -rf $(BUILD)/importer-home && mkdir -p $(BUILD)/importer-home
	cd $(DIST) && HOME=$(BUILD)/importer-home PATH=$(VGI)/bin:$(PATH) $(VGI)/bin/python -m galaxy_importer.main $(TARBALL) \
	  | tee $(BUILD)/importer.log
	! grep -E '^(ERROR|WARNING)' $(BUILD)/importer.log

# ---------------------------------------------------------------------------------------------
# Demo

demo: collection
	@ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) $(V)/bin/python tests/tools/demo.py

# ---------------------------------------------------------------------------------------------
# Benchmark (tests/bench/, report in docs/performance.md)

VBENCH ?= $(ROOT)/.venv-bench
BENCH_ARGS ?=
.PHONY: bench bench-smoke venv-bench

# matplotlib only draws the plot: it gets a venv of its own.
venv-bench:
	@$(call ensure_venv,$(VBENCH),$(PYTHON),tests/requirements/bench.txt)

bench: collection venv-bench
	$(call step,"benchmark: converge cost from one endpoint to a fleet")
	PATH=$(TOOLS_PATH) $(V)/bin/python tests/bench/bench.py --collections-path $(BUILD) \
	  --results $(BUILD)/bench-results.json --report docs/performance.md \
	  --plot docs/performance.png --plot-python $(VBENCH)/bin/python $(BENCH_ARGS)

bench-smoke: collection
	$(call step,"benchmark smoke check: request counts on a small grid and ten concurrent plays")
	PATH=$(TOOLS_PATH) $(V)/bin/python tests/bench/bench.py --quick --check --collections-path $(BUILD)

clean:
	rm -rf $(V) $(VNEW) $(VGI) $(VBENCH) $(VDOCS) $(VAWX) $(BUILD)
