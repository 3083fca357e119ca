"""Thresholds quoted from the cited source, NOT read from the shipped data file.

Directive 2012/18/EU (Seveso III), Annex I, Part 1, columns 2 (lower tier) and 3 (upper
tier), quantities in tonnes:
  H1 ACUTE TOXIC Category 1, all exposure routes ............................ 5 / 20
  H2 ACUTE TOXIC Category 2, all routes; Category 3, inhalation ............. 50 / 200
  H3 STOT SE Category 1 ....................................................... 50 / 200
  P1a EXPLOSIVES (unstable; Div. 1.1, 1.2, 1.3, 1.5, 1.6; A.14) ............ 10 / 50
  P1b EXPLOSIVES Division 1.4 ................................................. 50 / 200
  P2 FLAMMABLE GASES Category 1 or 2 .......................................... 10 / 50
  P3a FLAMMABLE AEROSOLS (with flam. gases cat. 1/2 or flam. liquids cat. 1) . 150 / 500 (net)
  P3b FLAMMABLE AEROSOLS (without) .......................................... 5000 / 50000 (net)
  P4 OXIDISING GASES Category 1 ................................................ 50 / 200
  P5a FLAMMABLE LIQUIDS (cat. 1; cat. 2/3 above boiling point; …) ............ 10 / 50
  P5b FLAMMABLE LIQUIDS (cat. 2/3 under particular processing conditions) ... 50 / 200
  P5c FLAMMABLE LIQUIDS cat. 2 or 3 not covered by P5a and P5b ............ 5000 / 50000
  P6a SELF-REACTIVE / ORGANIC PEROXIDES Type A or B ........................... 10 / 50
  P6b SELF-REACTIVE / ORGANIC PEROXIDES Type C, D, E or F ..................... 50 / 200
  P7 PYROPHORIC LIQUIDS AND SOLIDS Category 1 .................................. 50 / 200
  P8 OXIDISING LIQUIDS AND SOLIDS Category 1, 2 or 3 ........................... 50 / 200
  E1 Aquatic Acute 1 or Chronic 1 ............................................. 100 / 200
  E2 Aquatic Chronic 2 ......................................................... 200 / 500
  O1 EUH014 .................................................................... 100 / 500
  O2 in contact with water emit flammable gases, Category 1 ................... 100 / 500
  O3 EUH029 ..................................................................... 50 / 200

Annex I, Part 2 (named dangerous substances), quantities in tonnes:
  10. Chlorine (7782-50-5) ...................................................... 10 / 25
  15. Hydrogen (1333-74-0) ........................................................ 5 / 50
  20. Ethylene oxide (75-21-8) .................................................... 5 / 50
  22. Methanol (67-56-1) ...................................................... 500 / 5000
  25. Oxygen (7782-44-7) ...................................................... 200 / 2000
  27. Carbonyl dichloride, phosgene (75-44-5) ................................ 0.3 / 0.75
  33. Carcinogens (sum of the listed, > 5 % by weight) ........................ 0.5 / 2
  35. Ammonia, anhydrous (7664-41-7) ............................................ 50 / 200
  42. Propylamine (107-10-8), note 21 ........................................ 500 / 2000
  46. Methyl acrylate (96-33-3), note 21 ..................................... 500 / 2000
  8. Arsenic trioxide (1327-53-3) .................................. (see below) / 0.1
Arsenic trioxide: Seveso II (UK SI 1999/743 Sch. 1 Part 2) lists 0.1 / 0.1; the reference
CSV leaves the lower-tier cell empty and the project uses the upper value for both.
"""

PART1 = {
    "H1": (5.0, 20.0), "H2": (50.0, 200.0), "H3": (50.0, 200.0),
    "P1a": (10.0, 50.0), "P1b": (50.0, 200.0), "P2": (10.0, 50.0),
    "P3a": (150.0, 500.0), "P3b": (5000.0, 50000.0), "P4": (50.0, 200.0),
    "P5a": (10.0, 50.0), "P5b": (50.0, 200.0), "P5c": (5000.0, 50000.0),
    "P6a": (10.0, 50.0), "P6b": (50.0, 200.0), "P7": (50.0, 200.0), "P8": (50.0, 200.0),
    "E1": (100.0, 200.0), "E2": (200.0, 500.0),
    "O1": (100.0, 500.0), "O2": (100.0, 500.0), "O3": (50.0, 200.0),
}

# CAS → (name, lower, upper)
PART2 = {
    "7782-50-5": ("Хлор", 10.0, 25.0),
    "1333-74-0": ("Водень", 5.0, 50.0),
    "75-21-8": ("Етиленоксид", 5.0, 50.0),
    "67-56-1": ("Метанол", 500.0, 5000.0),
    "7782-44-7": ("Кисень", 200.0, 2000.0),
    "75-44-5": ("Фосген", 0.3, 0.75),
    "7664-41-7": ("Аміак безводний", 50.0, 200.0),
    "107-10-8": ("Пропіламін", 500.0, 2000.0),
    "96-33-3": ("Метилакрилат", 500.0, 2000.0),
}
