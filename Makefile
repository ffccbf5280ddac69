# The two commands a user needs (see README.md):
#   make brief   set up (system libraries, .venv, pinned packages) and build every brief
#   make test    set up and run the tests

# Reproducible outputs: the same inputs built on the same day give byte-identical files.
# The day is the briefs' own (their time zone is in templates/project.yaml), decided by
# the briefings command itself; set SOURCE_DATE_EPOCH to pin another date.

VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Quotes are checked against the sources' texts, in the folder templates/project.yaml names.
CHECK   := $(VENV)/bin/briefings check

.PHONY: brief check list due status test bench email new-brief reader add-source system \
        libreoffice clean docx-proof page-check

# What is typed after make (BRIEF=, NAME=, READER=, FROM=, FILE=, URL=, ARGS=) reaches the
# shell as quoted words, unexpanded and not exported: `make new-brief 'NAME=x; touch y'`
# names a brief, it runs nothing.
quoted = $(foreach word,$(value $(1)),'$(subst ','\'',$(word))')
# …or as one word, for a file's name, which may hold spaces.
quoted_whole = '$(subst ','\'',$(value $(1)))'
unexport BRIEF NAME READER FROM FILE URL ARGS

# make brief [BRIEF=<id>]   every brief, or one. The build checks what it builds (facts,
# templates, numbers, quotes) and stops on errors; when nothing changed it returns at once.
brief: $(STAMP)
	$(VENV)/bin/briefings build $(if $(value BRIEF),--brief $(call quoted,BRIEF))

check: $(STAMP)
	$(CHECK) $(if $(value BRIEF),--brief $(call quoted,BRIEF))

# Briefs × readers × languages, and what is built and current.
list: $(STAMP)
	$(VENV)/bin/briefings list

# The briefs to review: those printing a fact past its valid_until, or within
# review_within_days (templates/project.yaml) of it.
due: $(STAMP)
	$(VENV)/bin/briefings due

# Who holds which version of each brief (or of BRIEF=<id>), from records/sends.jsonl.
status: $(STAMP)
	$(VENV)/bin/briefings status $(if $(value BRIEF),--brief $(call quoted,BRIEF))

# One test process per core; the tests of a module that keeps something between them stay
# together, the builds they read are made once for all (tests/conftest.py).
test: $(STAMP) libreoffice
	$(PY) -m pytest -n auto --dist loadgroup

# Speed against the engine's floor and against pandoc; writes build/bench.json.
bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	$(PY) benchmarks/bench.py

# Every built DOCX as a recipient sees it: LibreOffice prints each to PDF in build/proof/,
# with page images; per file its pages and fonts, and an error for any font it fell back to.
docx-proof: $(STAMP) libreoffice
	$(PY) -m briefings.proof build

# Every built web page through the Nu Html Checker (npm vnu-jar, with the machine's Java)
# and axe-core in Chromium, at 1280 and 390 px: one line per error or violation, and a
# failure if there is any (tests/page_check.py). Needs java, chromium and chromium-driver
# (apt-get install default-jre-headless chromium chromium-driver); the npm packages and
# selenium are installed here, at these versions.
PAGE_TOOLS := $(VENV)/page-check
page-check: $(STAMP)
	@for tool in java npm chromium chromedriver; do command -v $$tool >/dev/null || \
	  { echo "page-check needs $$tool (apt-get install default-jre-headless npm chromium chromium-driver)"; exit 2; }; done
	$(VENV)/bin/briefings build --format html $(if $(value BRIEF),--brief $(call quoted,BRIEF))
	npm install --silent --no-save --no-audit --no-fund --prefix $(PAGE_TOOLS) \
	  vnu-jar@26.9.27 axe-core@4.14.1
	$(PY) -m pip install --quiet --disable-pip-version-check selenium==4.51.0
	$(PY) tests/page_check.py $(PAGE_TOOLS)/node_modules \
	  $$(find build -mindepth 3 -maxdepth 3 -name '*.html')

# make email BRIEF=peru-mnna READER=cancilleria   writes the messages to build/outbox/ (see
# README.md); add ARGS=--send to deliver them.
# BRIEF may be left out only when the project has one brief.
BRIEFS := $(notdir $(patsubst %/brief.yaml,%,$(wildcard templates/briefs/*/brief.yaml)))
email: $(STAMP)
	@$(if $(value READER),,echo "usage: make email [BRIEF=<id>] READER=<name> [ARGS=--send]"; exit 2)
	@$(if $(or $(value BRIEF),$(filter 1,$(words $(BRIEFS)))),,echo "this project has \
	  $(words $(BRIEFS)) briefs: name one with BRIEF= ($(BRIEFS)), e.g. make email \
	  BRIEF=$(firstword $(BRIEFS)) READER=$(value READER)"; exit 2)
	$(VENV)/bin/briefings email $(if $(value BRIEF),--brief $(call quoted,BRIEF)) \
	  --reader $(call quoted,READER) $(call quoted,ARGS)

# make new-brief NAME=peru-otan-2027 [READER=cancilleria]   a new brief that builds at once
# (see docs/editing-templates.md).
new-brief: $(STAMP)
	@$(if $(value NAME),,echo "usage: make new-brief NAME=<id> [READER=<name>]"; exit 2)
	$(VENV)/bin/briefings new-brief $(call quoted,NAME) \
	  $(if $(value READER),--reader $(call quoted,READER))

# make reader NAME=comision-defensa [FROM=cancilleria]   a new reader, copied from another.
reader: $(STAMP)
	@$(if $(value NAME),,echo "usage: make reader NAME=<name> [FROM=<reader>]"; exit 2)
	$(VENV)/bin/briefings new-reader $(call quoted,NAME) \
	  --from $(if $(value FROM),$(call quoted,FROM),cancilleria)

# make add-source FILE=~/Descargas/articulo.html [ARGS="--kind news"]   a source you saved
# (PDF, web page or text; URL=<address> downloads it instead): its text to facts/sources/,
# its entry to facts/sources.yaml, printed for you to complete (the guide's "Adding a source").
add-source: $(STAMP)
	@$(if $(or $(value FILE),$(value URL)),,echo "usage: make add-source FILE=<saved file> | URL=<address> [ARGS=\"--kind news\"]"; exit 2)
	$(VENV)/bin/briefings add-source $(if $(value FILE),$(call quoted_whole,FILE)) \
	  $(if $(value URL),--url $(call quoted_whole,URL)) $(call quoted,ARGS)

$(STAMP): pyproject.toml requirements.txt | system
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# WeasyPrint needs Pango >= 1.44 from the system; libharfbuzz-subset0 only makes PDFs
# faster (about twice), so without it we warn and go on.
system:
	@if ! ldconfig -p | grep -q 'libpango-1.0.so.0' || \
	    { command -v dpkg >/dev/null && ! dpkg --compare-versions \
	      "$$(dpkg-query -W -f='$${Version}' libpango-1.0-0 2>/dev/null || echo 0)" ge 1.44; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; \
	  else \
	    echo "error: WeasyPrint needs Pango 1.44 or newer. Install it with:"; \
	    echo "  sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"; exit 1; \
	  fi; \
	fi
	@if ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq libharfbuzz-subset0; \
	  else \
	    echo "warning: PDFs build about twice as slowly without libharfbuzz-subset0:"; \
	    echo "  sudo apt-get install -y libharfbuzz-subset0"; \
	  fi; \
	fi

# LibreOffice opens each DOCX as a recipient would, for make docx-proof and the tests that
# run it (tests/test_docx_proof.py). As root with apt-get it is installed, so a fresh CI
# machine runs those tests: 108 packages, 91 MB to download, 285 MB installed, about 30 s
# (10 s to download, 20 s to install; Debian 12 VM, 2 cores, 6 Dec 2026). Elsewhere we warn
# and go on: those tests skip, each listed with this reason in the test summary.
libreoffice:
	@if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq libreoffice-writer-nogui poppler-utils; \
	  else \
	    echo "warning: the DOCX proof and its tests need LibreOffice and poppler-utils:"; \
	    echo "  sudo apt-get install -y libreoffice-writer-nogui poppler-utils"; \
	  fi; \
	fi

# build/ only: records/ (the record of sends, who received which version) stays.
clean:
	rm -rf build
