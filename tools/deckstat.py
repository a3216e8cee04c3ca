"""Quick structural check of one deck folder while drafting (the real check is `studyplan decks check`)."""
import sys, tomllib, pathlib, collections

folder = pathlib.Path(sys.argv[1])
exam = tomllib.loads((folder / "exam.toml").read_text())
domains = {d["id"]: d for d in exam["domains"]}
total_w = sum(d["weight"] for d in exam["domains"])
print(f"{exam['id']}: weights sum {total_w:.4f}")
seen = set()
for f in sorted(folder.glob("[0-9][0-9]-*.toml")):
    data = tomllib.loads(f.read_text())
    dom = data["domain"]
    assert dom in domains, f"{f}: unknown domain {dom}"
    styles = collections.Counter(c["style"] for c in data["cards"])
    for c in data["cards"]:
        assert c["id"] not in seen, f"{f}: duplicate id {c['id']}"
        seen.add(c["id"])
        assert c["id"].startswith(f"{exam['card_prefix']}-{dom}-"), f"{f}: bad id {c['id']}"
        assert c["front"].strip() and c["back"].strip(), f"{f}: empty text in {c['id']}"
        assert c["style"] in ("scenario", "recall"), c["id"]
    print(f"  {f.name}: {len(data['cards'])} cards, {dict(styles)}")
print(f"  total {len(seen)} cards")
