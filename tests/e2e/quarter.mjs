// A quarter of weekly Trivy scans of one image, generated deterministically, and the history
// KPIs worked out from the scans here, in plain JavaScript, independently of Posture.
//
// 80 vulnerabilities, each present from a week to a later one; about one in seven is missing for
// one week in between (fixed, then reopened). Thirteen scans, Mondays 2026-09-07 to 2026-11-30.

export const DAY = 86_400_000;
const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
export const SLA = { CRITICAL: 7, HIGH: 30, MEDIUM: 90, LOW: 180 };

export function quarter() {
  let seed = 20260907;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const vulns = [];
  for (let i = 0; i < 80; i++) {
    const severity = SEVERITIES[Math.floor(rand() * 4)];
    const from = Math.floor(rand() * 10);
    const to = from + 1 + Math.floor(rand() * 8);
    const gap = rand() < 0.15 ? from + 1 + Math.floor(rand() * 3) : -1;
    vulns.push({
      id: `CVE-2026-${1000 + i}`,
      pkg: `pkg-${i % 23}`,
      severity,
      present: (w) => w >= from && w < to && w !== gap,
    });
  }
  const first = Date.UTC(2026, 8, 7, 6);
  const scans = [];
  for (let w = 0; w < 13; w++) {
    const t = first + w * 7 * DAY;
    const at = new Date(t).toISOString().replace(".000Z", "Z");
    const open = vulns.filter((v) => v.present(w));
    const doc = {
      SchemaVersion: 2,
      CreatedAt: at,
      ArtifactName: `ghcr.io/acme/api:1.${w}`,
      ArtifactType: "container_image",
      Results: [
        {
          Target: "ghcr.io/acme/api (debian 12.7)",
          Class: "os-pkgs",
          Type: "debian",
          Vulnerabilities: open.map((v) => ({
            VulnerabilityID: v.id,
            PkgName: v.pkg,
            InstalledVersion: "1.0",
            FixedVersion: "1.1",
            Severity: v.severity,
            Title: `${v.pkg}: a flaw`,
          })),
        },
      ],
    };
    scans.push({ name: `api-${at.slice(0, 10)}.json`, t, open, text: JSON.stringify(doc) });
  }
  return { vulns, scans };
}

/** What the scans say for a period [from, to] (ms, both included), counted here. */
export function expected(scans, from, to) {
  const seen = scans.filter((s) => s.t <= to);
  const life = new Map(); // id → { severity, first, fixed (final, or null), open }
  let previous = new Set();
  for (const scan of seen) {
    const now = new Set(scan.open.map((v) => v.id));
    for (const v of scan.open) {
      const l = life.get(v.id);
      if (!l) life.set(v.id, { severity: v.severity, first: scan.t, fixed: null });
      else l.fixed = null; // still open, or back after a fix: the first sight is kept
    }
    for (const id of previous) if (!now.has(id)) life.get(id).fixed = scan.t;
    previous = now;
  }
  // Open at the end: as the last scan up to then says. Fixes are seen only through scans in the
  // period: without one, the SLA rate has nothing to go on.
  const scannedInPeriod = seen.some((s) => s.t >= from);
  const fixed = [...life.values()].filter((l) => l.fixed !== null && l.fixed >= from && l.fixed <= to);
  const open = [...life.values()].filter((l) => l.fixed === null);
  const days = (l) => (l.fixed - l.first) / DAY;
  const within = fixed.filter((l) => days(l) <= SLA[l.severity]).length;
  const past = open.filter((l) => (to - l.first) / DAY > SLA[l.severity]).length;
  const sla = scannedInPeriod && fixed.length + past > 0 ? (100 * within) / (fixed.length + past) : null;
  const mttr = fixed.length > 0 ? fixed.reduce((a, l) => a + days(l), 0) / fixed.length : null;
  const inPeriod = seen.filter((s) => s.t >= from);
  const serious = (s) => s.open.filter((v) => v.severity === "CRITICAL" || v.severity === "HIGH").length;
  let reduction = null;
  if (inPeriod.length >= 2 && serious(inPeriod[0]) > 0) {
    const start = serious(inPeriod[0]);
    reduction = (100 * (start - serious(inPeriod[inPeriod.length - 1]))) / start;
  }
  // Ageing at the period's end: whole days since first seen, in 0–7, 8–30, 31–90, 91–180, > 180.
  const buckets = {};
  for (const l of open) {
    const age = Math.floor((to - l.first) / DAY);
    const b = age <= 7 ? 0 : age <= 30 ? 1 : age <= 90 ? 2 : age <= 180 ? 3 : 4;
    buckets[l.severity] ??= [0, 0, 0, 0, 0];
    buckets[l.severity][b] += 1;
  }
  return { sla, mttr, reduction, buckets, findings: life.size, open: open.length, fixed: fixed.length };
}
