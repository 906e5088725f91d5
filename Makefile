# make demo: start the Kapacitor emulator and configure alert endpoints against it.
# make test: every check of the collection (see `make help`).
#
# Everything is installed into virtual environments inside this checkout, one per requirements
# file in tests/requirements/:
#   .venv          ansible-core 2.19 and the tools (Python 3.11 or the given PYTHON)
#   .venv-2.17     ansible-core 2.17 (Python 3.11 or 3.12)
#   .venv-2.18     ansible-core 2.18 (Python 3.11 to 3.13)
#   .venv-2.20     ansible-core 2.20 (Python 3.12 to 3.14)
#   .venv-newest   ansible-core 2.21, the newest (Python 3.12 to 3.14)
#   .venv-importer galaxy-importer (it pins versions that clash with the tools)
#   .venv-docs     antsibull-docs, Sphinx with the Ansible theme and pandoc, for `make docs`
#   .venv-awx      ansible-runner, to run examples/awx/ as AWX runs a job
# The Python of each ansible-core is found on PATH or in pyenv unless given (PYTHON_2_17=...).
# ansible-test needs the collection under .../ansible_collections/tickstack/kapacitor, so the
# checks run on copies staged in .build/: one for the tools, one per ansible-core (.build/core-X/)
# and one for the integration tests (.build/integration-X/), so that they can run at the same time.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3

# $(call find_python,3.12 3.13): the first of these Python versions found as python3.X on PATH or
# in pyenv (its newest patch release), as a path; empty when none is.
find_python = $(shell pyenv=$${PYENV_ROOT:-$$HOME/.pyenv}; for v in $(1); do \
	  in_pyenv=$$(ls -d $$pyenv/versions/$$v.[0-9]*/bin/python3 2>/dev/null | sort -rV) || true; \
	  for p in python$$v $$in_pyenv; do \
	    $$p -c 'import sys; assert "%d.%d" % sys.version_info[:2] == sys.argv[1]; print(sys.executable)' $$v \
	      2>/dev/null && break 2; \
	  done; \
	done)

# The controller Pythons each ansible-core line supports, the one to test on first. Searched once
# and passed on to the make runs of `make test`. 2.17 also runs on 3.10, but the emulator that its
# integration tests start needs 3.11 (tomllib).
PYTHONS_2.17 := 3.11 3.12
PYTHONS_2.18 := 3.13 3.12 3.11
PYTHONS_2.20 := 3.12 3.13 3.14
PYTHONS_2.21 := 3.14 3.13 3.12
# The variable that gives the Python of an ansible-core line: NEWEST_PYTHON for 2.21, else PYTHON_2_X.
python_var = $(if $(filter 2.21,$(1)),NEWEST_PYTHON,PYTHON_$(subst .,_,$(1)))
$(foreach c,2.17 2.18 2.20 2.21,$(if $($(call python_var,$(c))),,\
  $(eval $(call python_var,$(c)) := $(call find_python,$(PYTHONS_$(c))))))
export PYTHON_2_17 PYTHON_2_18 PYTHON_2_20 NEWEST_PYTHON

ROOT := $(CURDIR)
BUILD := $(ROOT)/.build
COLL := $(BUILD)/ansible_collections/tickstack/kapacitor
DIST := $(BUILD)/dist
V ?= $(ROOT)/.venv
V217 ?= $(ROOT)/.venv-2.17
V218 ?= $(ROOT)/.venv-2.18
V220 ?= $(ROOT)/.venv-2.20
VNEW ?= $(ROOT)/.venv-newest
VGI ?= $(ROOT)/.venv-importer
VDOCS ?= $(ROOT)/.venv-docs
VAWX ?= $(ROOT)/.venv-awx
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(DIST)/tickstack-kapacitor-$(VERSION).tar.gz

# Every ansible-core line that meta/runtime.yml's requires_ansible admits gets sanity and units;
# the oldest and the newest get integration and molecule too.
CORES := 2.17 2.18 2.19 2.20 2.21
EDGE_CORES := 2.17 2.21
venv_2.17 = $(V217)
venv_2.18 = $(V218)
venv_2.19 = $(V)
venv_2.20 = $(V220)
venv_2.21 = $(VNEW)
python_2.17 = $(PYTHON_2_17)
python_2.18 = $(PYTHON_2_18)
python_2.19 = $(PYTHON)
python_2.20 = $(PYTHON_2_20)
python_2.21 = $(NEWEST_PYTHON)
requirements_2.17 = tests/requirements/core-2.17.txt
requirements_2.18 = tests/requirements/core-2.18.txt
requirements_2.19 = tests/requirements/py311.txt
requirements_2.20 = tests/requirements/core-2.20.txt
requirements_2.21 = tests/requirements/newest.txt
# The staged copies that the checks of one ansible-core work on (sanity and units in one,
# integration and molecule in another), and the X.Y of its venv's Python.
core_root = $(BUILD)/core-$(1)
core_coll = $(call core_root,$(1))/ansible_collections/tickstack/kapacitor
edge_root = $(BUILD)/integration-$(1)
edge_coll = $(call edge_root,$(1))/ansible_collections/tickstack/kapacitor
core_python_version = $(shell $(venv_$(1))/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# ansible-test --venv creates its environments with python3.X found on PATH: the venv has it.
core_path = $(venv_$(1))/bin:$(PATH)
TOOLS_PATH = $(V)/bin:$(PATH)

# `make test` stages the collection once and runs its steps with STAGED=1, several at a time.
stage = $(if $(STAGED),,collection)
JOBS ?= 3

step = @printf '\n==> %s\n' $(1)
# The machine-wide pip configuration may name local indexes that do not exist; pip warns per package.
pip_install = $(1)/bin/pip install -q -r $(2) 2>&1 | { grep -v 'is neither a file nor a directory' || true; }

.PHONY: help venvs venv-tools venv-newest venv-importer collection test test-emulator sanity units integration lint \
        docs-lint changelog-lint build importer ee demo clean molecule venv-docs venv-awx docs docs-rst docs-check \
        doc-snippets awx-runner \
        $(foreach c,$(CORES),venv-$(c) sanity-$(c) units-$(c)) $(foreach c,$(EDGE_CORES),integration-$(c) molecule-$(c))

help:
	@echo "make demo   start the Kapacitor emulator and configure alert endpoints against it"
	@echo "make test   run every check, several at a time (JOBS=$(JOBS)): emulator replay, ansible-test"
	@echo "            sanity and units on ansible-core $(CORES), integration and molecule on"
	@echo "            $(EDGE_CORES), ansible-lint, docs and changelog lint, build, install, galaxy-importer"
	@echo "            and the execution environments' build contexts (ansible-builder create), the docs site"
	@echo "            (built, then loaded in headless Chromium), the README's and docs/'s snippets against the"
	@echo "            emulator, and examples/awx through ansible-runner"
	@echo "make sanity-2.18, units-2.20, integration-2.17, molecule-2.21, ...  one check on one ansible-core"
	@echo "make bench  measure what a converge costs with the role, the module and plain uri tasks, 1 to 21"
	@echo "            endpoints on 1 to 50 servers; writes docs/performance.md and its plot (BENCH_ARGS=...)"
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
	@$(call ensure_venv,$(V),$(PYTHON),$(requirements_2.19))

venv-2.19: venv-tools

venv-newest: venv-2.21

# A missing Python fails here, before any check, naming the versions that would do.
$(foreach c,2.17 2.18 2.20 2.21,venv-$(c)): venv-%:
	@if [ -z "$(python_$*)" ]; then \
	  echo "No Python $(PYTHONS_$*) found (PATH or pyenv): ansible-core $* cannot be tested."; \
	  echo "Install one, or point $(call python_var,$*)=/path/to/python3.X at it."; \
	  exit 1; fi
	@$(call ensure_venv,$(venv_$*),$(python_$*),$(requirements_$*))

venv-importer:
	@$(call ensure_venv,$(VGI),$(PYTHON),tests/requirements/importer.txt)

venv-docs:
	@$(call ensure_venv,$(VDOCS),$(PYTHON),tests/requirements/docs.txt)

venv-awx:
	@$(call ensure_venv,$(VAWX),$(PYTHON),tests/requirements/awx.txt)

venvs: venv-tools $(foreach c,$(CORES),venv-$(c)) venv-importer venv-docs venv-awx

collection: venv-tools
	@$(V)/bin/python tests/tools/stage_collection.py $(BUILD) $(foreach c,$(CORES),$(call core_root,$(c))) \
	  $(foreach c,$(EDGE_CORES),$(call edge_root,$(c)))

# ---------------------------------------------------------------------------------------------
# Checks

# Steps of `make test`, started in this order as soon as a slot is free, the longest first;
# NAME:AFTER waits for the step AFTER (checks that share a staged copy run one after another; the two
# molecule runs too, since molecule keeps a scenario's state in one directory under ~/.ansible/tmp).
TEST_STEPS := \
	integration-2.21 molecule-2.21:integration-2.21,molecule-2.17 integration-2.17 molecule-2.17:integration-2.17 \
	sanity-2.17 units-2.17:sanity-2.17 sanity-2.21 units-2.21:sanity-2.21 sanity-2.18 units-2.18:sanity-2.18 \
	sanity-2.19 units-2.19:sanity-2.19 sanity-2.20 units-2.20:sanity-2.20 \
	test-emulator lint docs-lint changelog-lint build importer:build ee:build bench-smoke \
	docs docs-check:docs doc-snippets awx-runner

test: venvs
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory collection; \
	$(V)/bin/python tests/tools/run_steps.py --jobs $(JOBS) --logs $(BUILD)/logs \
	  --make "$(MAKE) --no-print-directory STAGED=1" $(TEST_STEPS); \
	echo; echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

test-emulator: venv-tools
	$(call step,"emulator: upstream fixture replay and behaviour tests")
	$(V)/bin/python tests/emulator/replay.py
	$(V)/bin/python -m pytest -q -p no:cacheprovider tests/emulator

sanity: $(foreach c,$(CORES),sanity-$(c))
units: $(foreach c,$(CORES),units-$(c))
integration: $(foreach c,$(EDGE_CORES),integration-$(c))
molecule: $(foreach c,$(EDGE_CORES),molecule-$(c))

$(foreach c,$(CORES),sanity-$(c)): sanity-%: venv-% $(stage)
	$(call step,"ansible-test sanity (ansible-core $*, Python $(call core_python_version,$*))")
	cd $(call core_coll,$*) && PATH=$(call core_path,$*) \
	  ansible-test sanity --venv --python $(call core_python_version,$*) --color no

$(foreach c,$(CORES),units-$(c)): units-%: venv-% $(stage)
	$(call step,"ansible-test units (ansible-core $*, Python $(call core_python_version,$*))")
	cd $(call core_coll,$*) && PATH=$(call core_path,$*) \
	  ansible-test units --venv --python $(call core_python_version,$*) --color no

$(foreach c,$(EDGE_CORES),integration-$(c)): integration-%: venv-% $(stage)
	$(call step,"ansible-test integration (ansible-core $*, Python $(call core_python_version,$*))")
	cd $(call edge_coll,$*) && PATH=$(call core_path,$*) ansible-test integration --local --color no

$(foreach c,$(EDGE_CORES),molecule-$(c)): molecule-%: venv-% $(stage)
	$(call step,"molecule test (role alert_endpoints, ansible-core $*)")
	cd $(call edge_coll,$*) && ANSIBLE_COLLECTIONS_PATH=$(call edge_root,$*) PATH=$(call core_path,$*) molecule test

lint: $(stage)
	$(call step,"ansible-lint --profile production")
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) ansible-lint --profile production --offline

docs-lint: $(stage)
	$(call step,"antsibull-docs lint-collection-docs --plugin-docs")
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) \
	  antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck --validate-collection-refs=self .

# The Markdown pages of docs/ are the source of the site's extra docs (docs/docsite/rst/).
docs-rst: venv-docs
	$(call step,"docs/docsite/rst/ from docs/*.md")
	$(VDOCS)/bin/python tests/tools/gen_docsite.py

docs: $(stage) venv-docs
	$(call step,"docs site: antsibull-docs and sphinx-build -W into .build/docs/html")
	$(VDOCS)/bin/python tests/tools/gen_docsite.py --check
	PATH=$(VDOCS)/bin:$(PATH) $(VDOCS)/bin/python tests/tools/build_docs.py --collections-path $(BUILD) --dest $(BUILD)/docs

docs-check: venv-docs
	$(call step,"docs site in headless Chromium: the index and the module and extra pages")
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  echo "make docs-check: Chromium is not installed; install it (apt-get install chromium) to check the site"; exit 1; }
	$(VDOCS)/bin/python tests/tools/check_docs_site.py --html $(BUILD)/docs/html --screenshot $(BUILD)/docs/module-page.png

doc-snippets: $(stage)
	$(call step,"every runnable snippet of README.md and docs/ against the emulator")
	COLLECTIONS_PATH=$(BUILD) PATH=$(TOOLS_PATH) $(V)/bin/python -m pytest -q -p no:cacheprovider tests/tools/test_run_doc_snippets.py
	PATH=$(TOOLS_PATH) $(V)/bin/python tests/tools/run_doc_snippets.py --collections-path $(BUILD)

awx-runner: $(stage) venv-awx
	$(call step,"examples/awx through ansible-runner as AWX runs the job")
	PATH=$(VAWX)/bin:$(PATH) $(VAWX)/bin/python tests/tools/run_awx_example.py --collections-path $(BUILD)

# New fragments are linted; CHANGELOG.rst must be what antsibull-changelog generates from the
# released changes in changelogs/changelog.yaml (fragments not yet released do not go in). generate
# rewrites CHANGELOG.rst in place, so it runs on a copy of the files it reads.
changelog-lint: $(stage)
	$(call step,"antsibull-changelog lint; CHANGELOG.rst as generated from changelogs/changelog.yaml")
	cd $(COLL) && PATH=$(TOOLS_PATH) antsibull-changelog lint
	cd $(COLL) && PATH=$(TOOLS_PATH) antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
	rm -rf $(BUILD)/changelog && mkdir -p $(BUILD)/changelog
	cd $(COLL) && cp -a galaxy.yml CHANGELOG.rst changelogs $(BUILD)/changelog/
	rm -f $(BUILD)/changelog/changelogs/.plugin-cache.yaml
	cd $(BUILD)/changelog && PATH=$(TOOLS_PATH) antsibull-changelog generate
	diff -u $(COLL)/CHANGELOG.rst $(BUILD)/changelog/CHANGELOG.rst

build: $(stage)
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
	@# What users get (galaxy.yml build_ignore): the emulator and the examples, none of the
	@# collection's own tests, tooling, molecule scenario or benchmark.
	tar -tzf $(TARBALL) > $(BUILD)/tarball-files.txt
	grep -qx 'tests/emulator/kapacitor_emulator.py' $(BUILD)/tarball-files.txt
	grep -q '^examples/.' $(BUILD)/tarball-files.txt
	! grep -E '^(extensions|\.ci|tests/(bench|unit|integration|requirements|tools|config\.yml)|docs/performance\.)' \
	  $(BUILD)/tarball-files.txt
	@echo "tarball: $$(grep -cv '/$$' $(BUILD)/tarball-files.txt) files, $$(stat -c %s $(TARBALL)) bytes"

# No container engine is needed: `ansible-builder create` only writes the build context, which
# is then checked. The tarball variant gets the tarball next to it, as its comment says.
ee: $(if $(STAGED),,build) venv-tools
	$(call step,"ansible-builder create: awx/execution-environment.yml and awx/execution-environment-tarball.yml")
	rm -rf $(BUILD)/ee && mkdir -p $(BUILD)/ee/tarball
	cd $(COLL) && PATH=$(TOOLS_PATH) ansible-builder create --file awx/execution-environment.yml \
	  --context $(BUILD)/ee/galaxy-context --output-filename Containerfile
	cd $(COLL) && $(V)/bin/python tests/tools/check_ee_context.py awx/execution-environment.yml $(BUILD)/ee/galaxy-context
	cp $(COLL)/awx/execution-environment-tarball.yml $(TARBALL) $(BUILD)/ee/tarball/
	cd $(BUILD)/ee/tarball && PATH=$(TOOLS_PATH) ansible-builder create --file execution-environment-tarball.yml \
	  --context $(BUILD)/ee/tarball-context --output-filename Containerfile
	cd $(COLL) && $(V)/bin/python tests/tools/check_ee_context.py awx/execution-environment-tarball.yml \
	  $(BUILD)/ee/tarball-context

importer: $(if $(STAGED),,build) venv-importer
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

# The report gives the duration of the whole `make bench` (staging, venv check, grid, concurrency
# check, plot), so the prerequisites run inside the timed recipe.
bench:
	@start=$$(date +%s.%N); \
	$(MAKE) --no-print-directory collection venv-bench; \
	printf '\n==> %s\n' "benchmark: converge cost from one endpoint to a fleet"; \
	PATH=$(TOOLS_PATH) $(V)/bin/python tests/bench/bench.py --collections-path $(BUILD) --started-at $$start \
	  --results $(BUILD)/bench-results.json --report docs/performance.md \
	  --plot docs/performance.png --plot-python $(VBENCH)/bin/python $(BENCH_ARGS); \
	echo "make bench: $$(( $$(date +%s) - $${start%.*} )) s"

bench-smoke: $(stage)
	$(call step,"benchmark smoke check: request counts of the role and the module; ten concurrent plays")
	@start=$$(date +%s); \
	PATH=$(TOOLS_PATH) $(V)/bin/python tests/bench/bench.py --quick --check --collections-path $(BUILD); \
	echo "make bench-smoke: $$(( $$(date +%s) - start )) s"

clean:
	rm -rf $(V) $(V217) $(V218) $(V220) $(VNEW) $(VGI) $(VBENCH) $(VDOCS) $(VAWX) $(BUILD)
