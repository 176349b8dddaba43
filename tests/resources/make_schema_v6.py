"""How tests/resources/schema_v6.db was made: run once with the schema-6 program (commit 6f3be3a),
from the project folder. It holds the demo years 2024–2025, and schema_v6_figures.json what
that program counted for them; the upgrade test compares today's figures with those."""
import json
from pathlib import Path
from core.store import open_store
from core.demo import load_demo
from core.figures import annual_figures
out = Path("tests/resources")
db = Path("/tmp/schema_v6.db")
for p in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
    p.unlink(missing_ok=True)
st = open_store(str(db))
with st.session() as s:
    load_demo(s, 2025)
with st.session() as s:
    figs = {y: annual_figures(s, y).as_json() for y in (2024, 2025)}
st.close()
import sqlite3
src = sqlite3.connect(db); src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
dst = sqlite3.connect(out / "schema_v6.db"); src.backup(dst); dst.execute("VACUUM"); dst.close(); src.close()
(out / "schema_v6_figures.json").write_text(json.dumps(figs, ensure_ascii=False, indent=0, default=str), "utf-8")
