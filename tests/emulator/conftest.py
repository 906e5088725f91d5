# -*- coding: utf-8 -*-
"""pytest fixtures: emulators started on free ports, and throwaway TLS certificates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ChronografEmulator, Emulator  # noqa: E402 pylint: disable=wrong-import-position
from make_certs import make_certs  # noqa: E402 pylint: disable=wrong-import-position


def emulators(emulator_class):
    """Yield a function that starts emulators of emulator_class; stop them all afterwards."""
    started = []

    def start(**kwargs):
        emulator = emulator_class(**kwargs).start()
        started.append(emulator)
        return emulator
    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def start_emulator():
    """Start emulators (keyword arguments as harness.Emulator takes them); all are stopped afterwards."""
    yield from emulators(Emulator)


@pytest.fixture
def start_chronograf():
    """Start Chronograf emulators (keyword arguments as harness.ChronografEmulator takes them)."""
    yield from emulators(ChronografEmulator)


@pytest.fixture
def kapacitor(start_emulator):
    """An emulator with Kapacitor's built-in defaults and the test controls on."""
    return start_emulator()


@pytest.fixture(scope='session')
def certs(tmp_path_factory):
    return make_certs(str(tmp_path_factory.mktemp('certs')))
