"""Make docs/screenshots/report-first-page.png: a sample (made-up) month, its summary PDF, first page.

Needs pdftoppm (poppler-utils). Run: uv run python tools/make_report_screenshot.py
"""
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from services.app import open_services
from services.journal import Journal, StrategyUse, selfcheck, safety_plan
from services.journal import report as reports
from services.saved import SavedGroups
from services.privacy import crypto
crypto.KDF_COSTS = {"key": {"n": 2**10, "r": 8, "p": 1}, "pin": {"n": 2**10, "r": 8, "p": 1}}
import tempfile
d = Path(tempfile.mkdtemp())
s = open_services(d)
store, _ = s.vault.set_up("example passphrase", use_keyring=False)
j = Journal(store)
TZ = timezone(timedelta(hours=-5))
import random
random.seed(4)
mood = 3
for day in range(1, 29):
    mood = max(1, min(5, mood + random.choice((-1, 0, 0, 1))))
    j.add(mood=mood, at=datetime(2026, 2, day, 20, tzinfo=TZ),
          strategies=(StrategyUse("Paced breathing", random.choice(("a lot", "a little"))),) if day % 2 else (StrategyUse("A walk", "a little"),),
          group="bundled/smart-recovery" if day in (5, 12, 19, 26) else None)
selfcheck.save(j, selfcheck.score("phq9", [1,1,2,1,1,1,1,1,0]), at=datetime(2026, 2, 3, 9, tzinfo=TZ))
selfcheck.save(j, selfcheck.score("phq9", [1,1,1,0,1,0,1,0,0]), at=datetime(2026, 2, 24, 9, tzinfo=TZ))
selfcheck.save(j, selfcheck.score("gad7", [2,1,2,1,1,1,1]), at=datetime(2026, 2, 10, 9, tzinfo=TZ))
sg = SavedGroups(store); sg.save("bundled/smart-recovery", {"name": "SMART Recovery"})
built = reports.build(j, date(2026, 2, 1), date(2026, 2, 28), saved_groups=sg.list())
pdf = d / 'summary.pdf'
pdf.write_bytes(reports.to_pdf(built))
#: "Not sleeping\nSkipping meals", "help_people": "My sister Ana +1 (555) 010 9999", "professionals": "Dr Okafor 020 7946 0018\n988 Suicide & Crisis Lifeline"}, reason_for_living="My dog, Biscuit")
out = Path(__file__).resolve().parents[1] / 'docs' / 'screenshots' / 'report-first-page'
subprocess.run(['pdftoppm', '-r', '80', '-png', '-singlefile', '-f', '1', '-l', '1', str(pdf), str(out)], check=True)
store.lock()
s.close()
print(f'{out}.png')
