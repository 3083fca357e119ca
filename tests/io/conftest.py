"""Fixtures of the io tests: the thesis demo profile and the dictionary."""

import shutil
from pathlib import Path

import pytest

from ecologis.paths import DEMO_PROFILE

# The thesis (VNTU, 2025), worked example §4.2-4.3: КНП = 1386.1866552 in
# double precision (hand check: 1.3·34.7849/0.04 = 1130.50925; 1.0·8.27394/0.05 = 165.4788;
# 1.0·8.6637/0.15 = 57.758; 0.9·27.2772/3 = 8.18316; 1.0·16.23192/1 = 16.23192;
# 1.0·1.0283/0.15 = 6.85533…; 0.9·0.687/1.5 = 0.4122; 1.3·0.10829/0.2 = 0.703885;
# 0.9·1.9689/50 = 0.0354402; 1.0·0.0112/0.6 = 0.0186667; sum = 1386.18666),
# category III, СЗЗ 300 m.
DEMO_KNP = 1386.1866552
DEMO_CATEGORY = "III"
DEMO_SZZ = 300.0


@pytest.fixture
def demo_path(tmp_path):
    p = tmp_path / "roshen.json"
    shutil.copy(DEMO_PROFILE, p)
    return p


#: The ROSHEN demo as it was first published, in profile schema version 1.
V1_DEMO = Path(__file__).parent / "data" / "roshen_v1.json"


@pytest.fixture
def demo_v1_path(tmp_path):
    p = tmp_path / "roshen.json"
    shutil.copy(V1_DEMO, p)
    return p


@pytest.fixture(scope="session")
def dictionary():
    from ecologis.io.reference_data import load_dictionary

    return load_dictionary(user_path=False)
