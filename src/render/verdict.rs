//! The verdict: the first screen of `show`, answering "what would they learn about me?"
//! for one dump or a whole store, in plain words, with one line of advice.
//!
//! It is one view model ([`Verdict`]) gathered from each report's findings and merged,
//! so a store's verdict is the sum of its reports' and every view (terminal, JSON)
//! lists the same identities. It decides nothing about what is identifying: that is
//! the findings' (`pii`); it only counts, orders and words them.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::Serialize;

use super::highlight::Marks;
use super::human::ShowView;
use super::{escape, human_size, visible_width};
use crate::disclosure::FieldKind;
use crate::pii::{identity_key, Category, Finding, Location, Others, Severity};
use crate::report::RegionKind;

/// The name [`Verdict::add_findings`] is given for a store's own settings.
pub const SETTINGS: &str = "settings";

/// Width of the verdict's label column.
const LABEL: usize = 18;
/// The verdict's lines are laid out for this width (an 80-column terminal).
const WIDTH: usize = 80;
/// At most this many lines name the user's identities; the rest are counted.
const ABOUT_LINES: usize = 7;
/// The verdict's lines at the most: the first screen of an 80×24 terminal, and one.
const SCREEN: usize = 25;

/// One identity of the user, with the evidence for it.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub kind: Category,
    pub value: String,
    /// How many places (fields and memory) hold it, over every report.
    pub places: usize,
    /// Whether a field shows it (the environment, the command line, an annotation, a
    /// path), not only memory: the strongest evidence that it is the user's.
    pub in_fields: bool,
    /// The reports holding it (a store's verdict).
    #[serde(skip)]
    pub reports: BTreeSet<String>,
}

/// What an upload of one or more reports would tell its receiver.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub reports: usize,
    /// The user's identities by (category order, value case-folded).
    who: BTreeMap<(usize, String), Identity>,
    /// Secrets: distinct values (case-folded) per rule.
    secrets: BTreeMap<&'static str, BTreeSet<String>>,
    /// Payment data and government ids that are not bulk data of others.
    sensitive: BTreeMap<&'static str, BTreeSet<String>>,
    /// Other people's data: the distinct values (kind, value), so that a store's
    /// reports holding the same records count them once.
    others: Others,
    /// Servers the process talked to.
    servers: BTreeSet<String>,
    machine: Vec<String>,
    command_line: bool,
    env_vars: BTreeSet<String>,
    memory: u64,
    annotations: usize,
    attachments: Vec<(String, u64)>,
}

impl Verdict {
    /// The verdict of one report, before anything is counted.
    pub fn report() -> Verdict {
        Verdict {
            reports: 1,
            ..Default::default()
        }
    }

    /// Count one scan's findings (a dump's, an attachment's, a store's settings):
    /// `report` names the report in a store. The scan's own judgement says whose data
    /// is other people's and which hosts are servers.
    pub fn add_scan(&mut self, report: &str, scan: &crate::pii::Findings) {
        self.add_findings(report, &scan.findings, &scan.others);
        self.servers.extend(scan.identity.servers.iter().cloned());
        // The servers are kept apart from other people's data.
        self.others.extend(
            scan.others
                .iter()
                .filter(|(c, _)| *c != Category::HostName)
                .cloned(),
        );
    }

    /// Count the findings of one report (`report` names it in a store).
    fn add_findings<'a>(
        &mut self,
        report: &str,
        findings: impl IntoIterator<Item = &'a Finding>,
        others: &Others,
    ) {
        for f in findings {
            if f.severity == Severity::High {
                let key = f.value.to_lowercase();
                match f.category {
                    Category::Secret => {
                        self.secrets.entry(f.rule).or_default().insert(key);
                        continue;
                    }
                    Category::Payment | Category::GovernmentId
                        if !others.contains(&(f.category, key.clone())) =>
                    {
                        self.sensitive.entry(f.rule).or_default().insert(key);
                        continue;
                    }
                    _ => {}
                }
            }
            let Some(key) = identity_key(f) else {
                continue;
            };
            if others.contains(&key) {
                continue;
            }
            let order = crate::pii::identity_order(key.0);
            let entry = self.who.entry((order, key.1)).or_insert_with(|| Identity {
                kind: f.category,
                value: f.value.clone(),
                places: 0,
                in_fields: false,
                reports: BTreeSet::new(),
            });
            entry.places += 1;
            let field = matches!(f.location, Location::Field { .. });
            // Shown as a field spells it, rather than as memory happened to.
            if field && !entry.in_fields {
                entry.value = f.value.clone();
            }
            entry.in_fields |= field;
            // The store's settings are no report (the install id is in both).
            if report != SETTINGS {
                entry.reports.insert(report.to_string());
            }
        }
    }

    /// Count one analysed dump: its findings, its machine and what else it carries.
    pub fn add_dump(&mut self, report: &str, view: &ShowView<'_>) {
        self.add_scan(report, view.findings);
        for field in &view.inventory.fields {
            match &field.kind {
                FieldKind::CommandLine { .. } => self.command_line = true,
                FieldKind::EnvVar { name, .. } => {
                    self.env_vars.insert(name.clone());
                }
                FieldKind::Annotation { .. } | FieldKind::ListAnnotation { .. } => {
                    self.annotations += 1
                }
                _ => {}
            }
        }
        self.memory += view
            .report
            .regions
            .iter()
            .filter(|r| r.kind != RegionKind::Context)
            .map(|r| r.size)
            .sum::<u64>();
        if self.machine.is_empty() {
            self.machine = machine(view);
        }
    }

    /// Count a file the upload attaches to a report.
    pub fn add_attachment(&mut self, name: &str, size: u64) {
        self.attachments.push((name.to_string(), size));
    }

    /// Add another report's verdict to this one.
    pub fn merge(&mut self, other: Verdict) {
        self.reports += other.reports;
        for (k, v) in other.who {
            match self.who.get_mut(&k) {
                Some(mine) => {
                    if v.in_fields && !mine.in_fields {
                        mine.value = v.value;
                    }
                    mine.places += v.places;
                    mine.in_fields |= v.in_fields;
                    mine.reports.extend(v.reports);
                }
                None => {
                    self.who.insert(k, v);
                }
            }
        }
        for (k, v) in other.secrets {
            self.secrets.entry(k).or_default().extend(v);
        }
        for (k, v) in other.sensitive {
            self.sensitive.entry(k).or_default().extend(v);
        }
        self.others.extend(other.others);
        if self.machine.is_empty() {
            self.machine = other.machine;
        }
        self.servers.extend(other.servers);
        self.command_line |= other.command_line;
        self.env_vars.extend(other.env_vars);
        self.memory += other.memory;
        self.annotations += other.annotations;
        self.attachments.extend(other.attachments);
    }

    /// The user's identities, strongest evidence first within each kind: shown by a
    /// field before memory only, then by how many places hold them.
    pub fn identities(&self) -> Vec<&Identity> {
        let mut all: Vec<&Identity> = self.who.values().collect();
        // Evidence first: what a field ties to the user before what only memory holds,
        // whatever its kind; then by kind, then by how many places hold it.
        all.sort_by(|a, b| {
            b.in_fields
                .cmp(&a.in_fields)
                .then(order(a.kind).cmp(&order(b.kind)))
                .then(b.places.cmp(&a.places))
                .then(a.value.cmp(&b.value))
        });
        all
    }

    /// Other people's data: distinct values per kind (`e-mail` → 61,230).
    pub fn other_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for (category, _) in &self.others {
            *out.entry(category.as_str()).or_insert(0) += 1;
        }
        out
    }

    /// How many distinct secrets.
    pub fn secret_count(&self) -> usize {
        self.secrets.values().map(BTreeSet::len).sum()
    }

    /// How many distinct payment and government ids that are not others' bulk data.
    pub fn sensitive_count(&self) -> usize {
        self.sensitive.values().map(BTreeSet::len).sum()
    }
}

/// The order the verdict names kinds in: names and ids that single out the person and
/// link their reports first.
fn order(c: Category) -> usize {
    const ORDER: [Category; 9] = [
        Category::UserName,
        Category::HostName,
        Category::Email,
        Category::InstallId,
        Category::AccountId,
        Category::Phone,
        Category::IpAddress,
        Category::MacAddress,
        Category::GovernmentId,
    ];
    ORDER.iter().position(|&x| x == c).unwrap_or(usize::MAX)
}

/// The machine's description the dump carries, in a few words.
fn machine(view: &ShowView<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let env = |name: &str| {
        view.inventory
            .fields
            .iter()
            .find(|f| matches!(&f.kind, FieldKind::EnvVar { name: n, .. } if n == name))
            .map(|f| escape(&f.value).into_owned())
            .filter(|v| !v.is_empty())
    };
    if let Some(state) = view.state {
        let sys = &state.system_info;
        let mut os = sys.os.long_name().to_string();
        if let Some(v) = sys.format_os_version() {
            // The release only: the build string is shown in the details.
            if let Some(first) = v.split_whitespace().next() {
                os.push(' ');
                os.push_str(&escape(first));
            }
        }
        out.push(os);
        if let Some(lsb) = &state.linux_standard_base {
            if !lsb.description.is_empty() {
                out.push(escape(&lsb.description).into_owned());
            }
        }
        let n = sys.cpu_count;
        out.push(format!(
            "{} CPU{} ({})",
            n,
            if n == 1 { "" } else { "s" },
            sys.cpu
        ));
    }
    // The processor's model (Linux's cpuinfo), the graphics card (Chrome's and
    // Unreal's annotations, Firefox's AdapterDescription) and the time zone, where the
    // dump says; one pass over the fields, lower-casing only the few candidates' paths.
    let (mut model, mut gpu, mut zone) = (None, None, None);
    let shown = |v: &str| Some(escape(v.trim()).into_owned()).filter(|v| !v.is_empty());
    for f in &view.inventory.fields {
        match &f.kind {
            FieldKind::CpuInfo if model.is_none() => {
                model = f
                    .value
                    .strip_prefix("model name")
                    .and_then(|rest| rest.split_once(':'))
                    .and_then(|(_, m)| shown(m));
            }
            FieldKind::MiscInfo
                if zone.is_none() && f.path == "misc_info.time_zone.standard_name" =>
            {
                zone = shown(&f.value);
            }
            FieldKind::Annotation { .. } | FieldKind::CrashContext { .. } if gpu.is_none() => {
                let p = f.path.to_ascii_lowercase();
                let named = (p.contains("gpu")
                    && (p.contains("brand") || p.contains("vendor") || p.contains("renderer")))
                    || p.ends_with("adapterdescription");
                if named {
                    gpu = shown(&f.value);
                }
            }
            _ => {}
        }
    }
    out.extend(model);
    out.extend(gpu);
    out.extend(env("LANG").or_else(|| env("LC_ALL")));
    out.extend(env("TZ").or(zone));
    out
}

/// The store's consent state, for a store's verdict.
#[derive(Debug, Clone, Default)]
pub struct Consent {
    /// `uploads ON (sent without asking)`.
    pub state: String,
    /// How to turn uploads off.
    pub turn_off: Option<String>,
}

/// What the verdict is about.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The first line: what was opened.
    pub title: String,
    /// The path `crashscope scrub` would take.
    pub path: String,
    /// A store's consent state.
    pub consent: Option<Consent>,
}

/// `n thing` or `n things`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", group(n), if n == 1 { one } else { many })
}

/// `61230` → `61,230`.
pub fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rule's name in plain words.
pub fn plain_rule(rule: &str) -> String {
    let known = match rule {
        "aws-access-key-id" => "AWS access key",
        "aws-secret-access-key" => "AWS secret key",
        "github-token" => "GitHub token",
        "url-credentials" => "password in a URL",
        "http-basic-auth" => "password (HTTP login)",
        "http-cookie" => "login cookie",
        "jwt" => "login token (JWT)",
        "bearer-token" => "access token",
        "secret-assignment" => "password or key",
        "connection-string-secret" => "database password",
        "private-key" => "private key",
        "launch-secret" => "secret on the command line",
        "payment-card" => "card number",
        "card-security-code" => "card security code",
        "iban" => "bank account (IBAN)",
        "us-ssn" => "US social security number",
        "uk-nino" => "UK national insurance number",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let base = rule.rsplit('.').next().unwrap_or(rule);
    base.replace('-', " ")
}

/// The kinds and counts of `map`, `2 GitHub tokens, 1 private key`.
fn kinds(map: &BTreeMap<&'static str, BTreeSet<String>>) -> Vec<String> {
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for (rule, values) in map {
        *by_name.entry(plain_rule(rule)).or_insert(0) += values.len();
    }
    let mut v: Vec<(String, usize)> = by_name.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter()
        .map(|(k, n)| if n == 1 { k } else { format!("{n}× {k}") })
        .collect()
}

/// `items` wrapped in at most `n` lines: those that do not fit are counted in a last
/// `+K more`.
fn fold(items: &[String], n: usize) -> Vec<String> {
    // Only as many items as could fit are tried: a crafted dump can hold thousands.
    let tried = items.len().min(n * 16);
    let lines = wrapped(&items[..tried]);
    if lines.len() <= n && tried == items.len() {
        return lines;
    }
    for keep in (1..tried).rev() {
        let mut some = items[..keep].to_vec();
        some.push(format!("+{} more", items.len() - keep));
        let lines = wrapped(&some);
        if lines.len() <= n {
            return lines;
        }
    }
    lines.into_iter().take(n).collect()
}

/// Lay `items` out after a label, joined by ` · `, wrapped at the verdict's width.
fn wrapped(items: &[String]) -> Vec<String> {
    let room = WIDTH - LABEL - 1;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for item in items {
        let extra = if current.is_empty() {
            visible_width(item)
        } else {
            visible_width(item) + 3
        };
        if !current.is_empty() && visible_width(&current) + extra > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push_str(" · ");
        }
        current.push_str(item);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// One labelled block of the verdict: its mark, its label and its lines as laid out for
/// the terminal (escaped, values painted).
#[derive(Debug, Clone)]
pub struct Row {
    pub severity: Option<Severity>,
    pub label: &'static str,
    pub lines: Vec<String>,
}

/// The verdict laid out: the lines above the blocks (what was opened, the consent state,
/// the sentence that opens the list), then the blocks, "About you" first and "Advice"
/// last. The terminal writes it in columns; the HTML page as a table.
#[derive(Debug, Clone)]
pub struct Layout {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

fn row(severity: Option<Severity>, label: &'static str, lines: Vec<String>) -> Row {
    Row {
        severity,
        label,
        lines,
    }
}

impl Verdict {
    /// The lines of "About you" in at most `budget` lines: the strongest identifiers
    /// first, each kind named once before its values, wrapped; what does not fit is
    /// counted by kind.
    fn about_lines(&self, marks: &Marks, budget: usize) -> Vec<String> {
        let ids = self.identities();
        let items: Vec<(Category, String)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let shown = marks.paint(&marks.value(&id.value), Severity::Medium);
                let n = id.reports.len();
                let value = if self.reports <= 1 {
                    format!("{shown} ({})", count(id.places, "place", "places"))
                } else if n == self.reports {
                    // In every report: said once, in the line above.
                    shown
                } else if n == 0 {
                    format!("{shown} (the store's settings)")
                } else {
                    format!("{shown} ({})", count(n, "report", "reports"))
                };
                let first = i == 0 || ids[i - 1].kind != id.kind;
                let item = if first {
                    format!("{} {value}", id.kind.as_str())
                } else {
                    value
                };
                (id.kind, item)
            })
            .collect();
        // Only the items that can fit are wrapped (a crafted dump can hold thousands).
        let room = WIDTH - LABEL - 1;
        let mut fits = 0;
        let (mut lines, mut used) = (1, 0);
        for (_, text) in &items {
            let w = visible_width(text);
            let need = if used == 0 { w } else { used + 3 + w };
            if used > 0 && need > room {
                lines += 1;
                used = w;
            } else {
                used = need;
            }
            if lines > budget {
                break;
            }
            fits += 1;
        }
        let texts: Vec<String> = items[..fits].iter().map(|(_, t)| t.clone()).collect();
        let mut about = wrapped(&texts);
        if fits < items.len() {
            for keep in (0..fits).rev() {
                let mut rest: BTreeMap<&str, usize> = BTreeMap::new();
                for (kind, _) in &items[keep..] {
                    *rest.entry(kind.as_str()).or_insert(0) += 1;
                }
                let rest: Vec<String> = rest.iter().map(|(k, n)| other_kind(k, *n)).collect();
                let mut some = texts[..keep].to_vec();
                some.push(format!("and {} more", rest.join(", ")));
                let lines = wrapped(&some);
                if lines.len() <= budget || keep == 0 {
                    about = lines;
                    break;
                }
            }
        }
        about
    }

    /// Lay the verdict out: at most 25 lines, "About you" given what the other parts
    /// leave.
    pub fn layout(&self, marks: &Marks, subject: &Subject) -> Layout {
        let p = marks.palette;
        let mut header = vec![p.label(&subject.title)];
        if let Some(consent) = &subject.consent {
            header.push(consent.state.clone());
            if let Some(off) = &consent.turn_off {
                header.push(format!("Turn off: {off}"));
            }
        }
        header.push(if self.reports == 1 {
            "If this report is sent, the developers receive:".to_string()
        } else {
            format!(
                "If these {} reports are sent, the developers receive (in all unless said):",
                group(self.reports)
            )
        });
        let ids = self.identities();
        // Everything after "About you" first: its length sets the room "About you" has.
        let mut rows = Vec::new();
        let secrets = self.secret_count();
        if secrets > 0 {
            let mut lines = vec![format!(
                "{} — revoke or change them if this is sent",
                group(secrets)
            )];
            lines.extend(fold(&kinds(&self.secrets), 2));
            rows.push(row(Some(Severity::High), "Secrets", lines));
        }
        if !self.sensitive.is_empty() {
            rows.push(row(
                Some(Severity::High),
                "Payment, ids",
                fold(&kinds(&self.sensitive), 2),
            ));
        }
        if !self.others.is_empty() {
            let mut items: Vec<String> = self
                .other_counts()
                .iter()
                .map(|(kind, n)| other_kind(kind, *n))
                .collect();
            items.push("data the program held about others".to_string());
            rows.push(row(Some(Severity::Medium), "Other people", fold(&items, 2)));
        }
        if !self.servers.is_empty() {
            let mut items: Vec<String> = self
                .servers
                .iter()
                .map(|s| marks.paint(&marks.value(s), Severity::Medium))
                .collect();
            items.push("servers it talked to, not you".to_string());
            rows.push(row(Some(Severity::Medium), "Servers", fold(&items, 2)));
        }
        if !self.machine.is_empty() {
            let mut lines = fold(&self.machine, 2);
            lines.push("together such details can single out one machine".to_string());
            rows.push(row(Some(Severity::Low), "Your machine", lines));
        }
        let mut also = Vec::new();
        if self.command_line {
            also.push("the command line".to_string());
        }
        if !self.env_vars.is_empty() {
            also.push(count(
                self.env_vars.len(),
                "environment variable",
                "environment variables",
            ));
        }
        if self.annotations > 0 {
            also.push(count(self.annotations, "annotation", "annotations"));
        }
        if self.memory > 0 {
            also.push(format!(
                "{} of memory (its working data)",
                human_size(self.memory)
            ));
        }
        for (name, size) in self.attachments.iter().take(3) {
            also.push(format!("{} ({})", escape(name), human_size(*size)));
        }
        if self.attachments.len() > 3 {
            also.push(count(self.attachments.len() - 3, "more file", "more files"));
        }
        if !also.is_empty() {
            rows.push(row(None, "Also sent", fold(&also, 2)));
        }
        let scrub = format!("crashscope scrub {} -o COPY", escape(&subject.path));
        let advice = if secrets > 0 || !self.sensitive.is_empty() {
            vec![
                format!(
                    "do not send as is: {}",
                    match (secrets, self.sensitive_count()) {
                        (s, 0) => count(s, "secret", "secrets"),
                        (0, p) => count(p, "payment or id detail", "payment or id details"),
                        (s, p) => format!(
                            "{}, {p} payment or id details",
                            count(s, "secret", "secrets")
                        ),
                    }
                ),
                "this writes a copy without them:".to_string(),
                scrub,
            ]
        } else if !ids.is_empty() || !self.others.is_empty() {
            vec![
                "it names you: send it only if you accept that; a copy without it:".to_string(),
                scrub,
            ]
        } else {
            vec!["nothing that names you was found".to_string()]
        };
        rows.push(row(None, "Advice", advice));
        let lines: usize = rows.iter().map(|r| r.lines.len()).sum();
        let budget = SCREEN
            .saturating_sub(header.len() + lines)
            .clamp(2, ABOUT_LINES);
        let about = self.about_lines(marks, budget);
        let about = if about.is_empty() {
            row(
                None,
                "About you",
                vec!["nothing that names you was found".to_string()],
            )
        } else {
            row(Some(Severity::Medium), "About you", about)
        };
        rows.insert(0, about);
        Layout { header, rows }
    }

    /// Write the verdict block for the terminal.
    pub fn write<W: Write>(&self, w: &mut W, marks: &Marks, subject: &Subject) -> io::Result<()> {
        let layout = self.layout(marks, subject);
        for line in &layout.header {
            writeln!(w, "{line}")?;
        }
        let p = marks.palette;
        for r in &layout.rows {
            for (i, line) in r.lines.iter().enumerate() {
                if i > 0 {
                    writeln!(w, "{} {line}", " ".repeat(LABEL))?;
                } else if r.label == "Advice" {
                    // Advice stands out by its place: flush left, no mark.
                    writeln!(w, "{}{} {line}", p.label(r.label), " ".repeat(LABEL - 6))?;
                } else {
                    let marker = marks.marker(r.severity);
                    let pad = (LABEL - 4).saturating_sub(visible_width(r.label));
                    writeln!(
                        w,
                        "{}",
                        format!(" {marker} {}{} {line}", p.label(r.label), " ".repeat(pad))
                            .trim_end()
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// `61,230 e-mail addresses`.
fn other_kind(kind: &str, n: usize) -> String {
    let plural = match (n, kind.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{} {kind}{plural}", group(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(61230), "61,230");
        assert_eq!(group(5), "5");
        assert_eq!(group(1_000_000), "1,000,000");
    }

    #[test]
    fn wrapped_lines_fit_the_verdict_width() {
        let items: Vec<String> = (0..30).map(|i| format!("item-number-{i}")).collect();
        for line in wrapped(&items) {
            assert!(visible_width(&line) < WIDTH - LABEL, "{line}");
        }
    }

    #[test]
    fn rules_read_in_plain_words() {
        assert_eq!(plain_rule("url-credentials"), "password in a URL");
        assert_eq!(plain_rule("gitleaks.slack-bot-token"), "slack bot token");
    }
}
