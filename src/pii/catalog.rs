//! The catalog of every rule (value rules, place rules, upstream rules) for help
//! texts, SARIF metadata, configuration checks and `crashscope rules`.

use super::*;

/// What one rule finds: for help texts, SARIF rule metadata and configuration checks.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub description: &'static str,
}

/// Rules that judge a value by where it is (its field), not by its shape, and the
/// identity rules that search for names the dump has revealed.
pub(super) const PLACE_RULES: &[RuleInfo] = &[
    RuleInfo { id: "env-user-name", category: Category::UserName, severity: Severity::Medium, description: "The user name in USER, LOGNAME or USERNAME" },
    RuleInfo { id: "env-host-name", category: Category::HostName, severity: Severity::Medium, description: "The machine's name: HOSTNAME, HOST, COMPUTERNAME, USERDOMAIN, CLIENTNAME (the remote-desktop client), LOGONSERVER (the domain controller), the host in SESSION_MANAGER" },
    RuleInfo { id: "current-directory", category: Category::CurrentDirectory, severity: Severity::Low, description: "The current directory (PWD, OLDPWD): low, because the identifying part of it (a user name in a home path) is a finding of its own" },
    RuleInfo { id: "env-secret", category: Category::Secret, severity: Severity::High, description: "An environment variable one of whose words names a secret (PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL...) and whose value is not a path, socket, boolean or small number" },
    RuleInfo { id: "locale", category: Category::QuasiIdentifier, severity: Severity::Low, description: "The locale or time zone (LANG, LC_*, TZ)" },
    RuleInfo { id: "unreadable-data", category: Category::Unreadable, severity: Severity::Medium, description: "A part of the file that could not be read (a stream or region outside the file, a corrupt structure): what it holds was not checked, so it cannot pass as clean" },
    RuleInfo { id: "unfinished-report", category: Category::Unreadable, severity: Severity::Low, description: "A report Crashpad is still writing (in new/) that could not be read yet: it is not uploaded until it is finished and moved to pending/, and is audited then" },
    RuleInfo { id: "environment-variable", category: Category::Environment, severity: Severity::Low, description: "Any other environment variable: the environment travels with the dump" },
    RuleInfo { id: "command-line", category: Category::CommandLine, severity: Severity::Medium, description: "A command-line argument of the crashed process" },
    RuleInfo { id: "install-id", category: Category::InstallId, severity: Severity::Medium, description: "A stable install, device or machine id (Crashpad client id; an annotation or crash context value named guid, device id, machine id, install id): links every report of one install" },
    RuleInfo { id: "account-id", category: Category::AccountId, severity: Severity::Medium, description: "An account, login or user id, by the name it is stored under (EpicAccountId, LoginId, user_id)" },
    RuleInfo { id: "named-secret", category: Category::Secret, severity: Severity::High, description: "An annotation or crash context value whose name says it is a secret (token, password, api key...)" },
    RuleInfo { id: "named-email", category: Category::Email, severity: Severity::Medium, description: "An annotation or crash context value whose name says it is an e-mail address" },
    RuleInfo { id: "named-user-name", category: Category::UserName, severity: Severity::Medium, description: "An annotation or crash context value whose name says it is a user or login name" },
    RuleInfo { id: "named-host-name", category: Category::HostName, severity: Severity::Medium, description: "An annotation or crash context value whose name says it is a computer or host name" },
    RuleInfo { id: "sensitive-annotation", category: Category::Annotation, severity: Severity::Medium, description: "A Crashpad annotation known to carry browsing or launch data (url-chunk, top-origin, switch-N)" },
    RuleInfo { id: "user-comment", category: Category::Annotation, severity: Severity::Medium, description: "Text the user typed about the crash (Mozilla's Comments annotation): it may say anything about them" },
    RuleInfo { id: "quasi-identifier", category: Category::QuasiIdentifier, severity: Severity::Low, description: "OS build, CPU brand, GPU or distribution: narrows down who you are" },
    RuleInfo { id: "user-name", category: Category::UserName, severity: Severity::Medium, description: "A user name the dump revealed elsewhere (a home path, USER), found again" },
    RuleInfo { id: "build-path-user", category: Category::UserName, severity: Severity::Medium, description: "A user name seen only in a module's debug file (PDB) path: whoever built that module, not the user; listed apart from the user's identity" },
    RuleInfo { id: "host-name", category: Category::HostName, severity: Severity::Medium, description: "A host name the dump revealed elsewhere (HOSTNAME), found again" },
];

/// Every rule crashscope can report, value rules first.
pub fn catalog() -> Vec<RuleInfo> {
    rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.id,
            category: r.category,
            severity: r.severity,
            description: r.description,
        })
        .chain(upstream::UPSTREAM.iter().map(|r| RuleInfo {
            id: r.id,
            category: Category::Secret,
            severity: r.severity,
            description: r.description,
        }))
        .chain(PLACE_RULES.iter().copied())
        .collect()
}

/// One rule as `crashscope rules` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// `crashscope`, `gitleaks` or `noseyparker`.
    pub origin: &'static str,
    pub description: &'static str,
    /// Why an upstream rule's severity is below high.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub severity_reason: &'static str,
}

/// Every rule, for `crashscope rules`: [`catalog`] with where each rule comes from.
pub fn listing() -> Vec<Listed> {
    let origin = |id: &str| {
        upstream::UPSTREAM
            .iter()
            .find(|u| u.id == id)
            .map_or(("crashscope", ""), |u| (u.origin.name(), u.severity_reason))
    };
    catalog()
        .into_iter()
        .map(|r| {
            let (origin, severity_reason) = origin(r.id);
            Listed {
                id: r.id,
                category: r.category,
                severity: r.severity,
                origin,
                description: r.description,
                severity_reason,
            }
        })
        .collect()
}
