//! Identity and access: who someone is, what they may do, and the checks on
//! what they type when they register. Pure Rust: the store keeps the accounts,
//! the web layer asks [`Principal::may`] before every read and write.

pub mod citizen_id;
pub mod password;

pub use egov_kernel::AgencyId;
use serde::{Deserialize, Serialize};

pub use citizen_id::CitizenId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("password hashing failed")]
    Hash,
    #[error("the operating system gave no randomness")]
    Random,
}

/// A role an official holds within their agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Receiver,
    Specialist,
    Approver,
    AgencyAdmin,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Receiver, Role::Specialist, Role::Approver, Role::AgencyAdmin, Role::SystemAdmin];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Receiver => "receiver",
            Role::Specialist => "specialist",
            Role::Approver => "approver",
            Role::AgencyAdmin => "agency_admin",
            Role::SystemAdmin => "system_admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
    /// The i18n key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Receiver => "role.receiver",
            Role::Specialist => "role.specialist",
            Role::Approver => "role.approver",
            Role::AgencyAdmin => "role.agency_admin",
            Role::SystemAdmin => "role.system_admin",
        }
    }
}

/// The kind of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Citizen,
    /// An organisation (a business, a cooperative…), keyed by its tax code;
    /// its sessions are those of a representative who signed in for it.
    Organisation,
    Official,
    System,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Citizen => "citizen",
            AccountKind::Organisation => "organisation",
            AccountKind::Official => "official",
            AccountKind::System => "system",
        }
    }
    pub fn parse(s: &str) -> Option<AccountKind> {
        match s {
            "citizen" => Some(AccountKind::Citizen),
            "organisation" => Some(AccountKind::Organisation),
            "official" => Some(AccountKind::Official),
            "system" => Some(AccountKind::System),
            _ => None,
        }
    }
}

/// An account's id: the number the store gave it, never made up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(i64);

impl UserId {
    /// The id the store gave an account (only the store and tests make one).
    pub const fn new(raw: i64) -> UserId {
        UserId(raw)
    }

    /// The number, for the store to bind.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How sure the platform is of who a person is: an electronic identity of
/// level 1 (the account checked against the national population database)
/// or level 2 (also the chip-based ID card or a face match), as Decree
/// 69/2024/NĐ-CP sets them. Level 2 weighs as much as the ID card itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Assurance {
    Level1,
    Level2,
}

impl Assurance {
    /// The number stored and shown (1 or 2).
    pub fn number(self) -> i64 {
        match self {
            Assurance::Level1 => 1,
            Assurance::Level2 => 2,
        }
    }
    pub fn from_number(n: i64) -> Option<Assurance> {
        match n {
            1 => Some(Assurance::Level1),
            2 => Some(Assurance::Level2),
            _ => None,
        }
    }
}

/// How the person of a session proved who they are: through an identity
/// provider (its configured name and their subject there), at a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy {
    pub provider: String,
    pub subject: String,
    pub assurance: Assurance,
    /// In an organisation's session: the representative's ID number.
    pub person: Option<String>,
}

/// The signed-in party of a request, as loaded from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub full_name: String,
    pub kind: AccountKind,
    /// The agency an official or system account belongs to.
    pub agency_id: Option<AgencyId>,
    pub roles: Vec<Role>,
    /// Set when the session began at an identity provider; `None` for a
    /// password or a bearer token.
    pub signed_by: Option<SignedBy>,
}

/// Something a principal may try to do; scoped actions name their agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Open the back office at all.
    UseBackOffice,
    /// Read an agency's own data (its profile, its staff).
    ReadAgency(&'a str),
    /// Change an agency's profile or staff.
    ManageAgency(&'a str),
    /// Create and edit procedures, forms and processes; import the catalog.
    ManageCatalog,
    /// Import administrative units, create agencies.
    ManageDirectory,
    /// Read the audit log.
    ReadAudit,
    /// Read the e-mail outbox and its delivery status.
    ReadMailOutbox,
    /// Give a role to a new official of an agency.
    GrantRole(&'a str, Role),
    /// Set the working-day calendar: announced days off and make-up days,
    /// working hours, the afternoon cut-off.
    ManageCalendar,
    /// Read a dossier: its owner (a citizen), the officials of the agency
    /// that received it or holds it now, system administrators.
    ReadDossier { owner: Option<UserId>, receiving: &'a str, current: &'a str },
    /// Record a fee paid at the desk, resolve an agency's bank transfers:
    /// its receiving officers (the one-stop desk).
    CollectFees(&'a str),
    /// Pay a fee back: the agency's approvers (its leaders).
    RefundFees(&'a str),
    /// Mark a dossier's document part checked against its original
    /// (digitised): the receiving agency's receiving officers and specialists.
    DigitiseParts(&'a str),
    /// Read the year's IT plan, its progress and its report: any official
    /// of the back office (the figures are the province's, not personal).
    ReadPlan,
    /// Set the plan, amend targets, approve or return reported values:
    /// system administrators (the department).
    KeepPlan,
    /// Report the value of an indicator an agency is responsible for: its
    /// administrators and approvers.
    ReportIndicator(&'a str),
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn is_official(&self) -> bool {
        matches!(self.kind, AccountKind::Official | AccountKind::System)
    }
    pub fn is_system_admin(&self) -> bool {
        self.is_official() && self.has_role(Role::SystemAdmin)
    }
    fn in_agency(&self, agency: &str) -> bool {
        self.agency_id.as_ref().is_some_and(|a| a.as_str() == agency)
    }

    /// Whether the principal files dossiers of its own: a citizen or an organisation.
    pub fn is_applicant(&self) -> bool {
        matches!(self.kind, AccountKind::Citizen | AccountKind::Organisation)
    }

    /// The level at which the person proved who they are; `None` when
    /// no identity provider vouched for them (a local password).
    pub fn assurance(&self) -> Option<Assurance> {
        self.signed_by.as_ref().map(|s| s.assurance)
    }

    /// The one access rule of the platform: deny unless a clause allows.
    pub fn may(&self, action: Action<'_>) -> bool {
        if let Action::ReadDossier { owner, .. } = action {
            match self.kind {
                AccountKind::Citizen => return owner == Some(self.user_id),
                // only through a representative's session
                AccountKind::Organisation => return self.signed_by.is_some() && owner == Some(self.user_id),
                AccountKind::Official | AccountKind::System => {}
            }
        }
        if !self.is_official() {
            return false;
        }
        if self.is_system_admin() {
            return true;
        }
        match action {
            Action::UseBackOffice => !self.roles.is_empty(),
            Action::ReadAgency(a) => self.in_agency(a) && !self.roles.is_empty(),
            Action::ManageAgency(a) => self.in_agency(a) && self.has_role(Role::AgencyAdmin),
            // an agency's administrator staffs it, but mints no system administrator
            Action::GrantRole(a, role) => {
                self.in_agency(a) && self.has_role(Role::AgencyAdmin) && role != Role::SystemAdmin
            }
            Action::ReadDossier { receiving, current, .. } => self.in_agency(receiving) || self.in_agency(current),
            Action::CollectFees(a) => self.in_agency(a) && self.has_role(Role::Receiver),
            Action::RefundFees(a) => self.in_agency(a) && self.has_role(Role::Approver),
            Action::DigitiseParts(a) => {
                self.in_agency(a) && (self.has_role(Role::Receiver) || self.has_role(Role::Specialist))
            }
            Action::ReadPlan => !self.roles.is_empty(),
            Action::ReportIndicator(a) => {
                self.in_agency(a) && (self.has_role(Role::AgencyAdmin) || self.has_role(Role::Approver))
            }
            Action::KeepPlan
            | Action::ManageCatalog
            | Action::ManageDirectory
            | Action::ManageCalendar
            | Action::ReadAudit
            | Action::ReadMailOutbox => false,
        }
    }
}

/// A field error: the field's name and the i18n key of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

/// What a person types to register.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Registration {
    pub full_name: String,
    pub citizen_id: String,
    pub phone: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
}

/// A registration whose every field has been checked and normalised.
#[derive(Debug, Clone)]
pub struct ValidRegistration {
    pub full_name: String,
    pub citizen_id: CitizenId,
    pub phone: String,
    pub email: String,
    pub password: String,
}

pub const MAX_NAME: usize = 100;
pub const MIN_PASSWORD: usize = 8;
pub const MAX_PASSWORD: usize = 128;

/// Normalises a Vietnamese mobile number to `0xxxxxxxxx`.
pub fn normalize_phone(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let local = if let Some(rest) = digits.strip_prefix("+84") {
        format!("0{rest}")
    } else if let Some(rest) = digits.strip_prefix("84").filter(|r| r.len() == 9) {
        format!("0{rest}")
    } else {
        digits
    };
    let ok = local.len() == 10
        && local.bytes().all(|b| b.is_ascii_digit())
        && matches!(&local[..2], "03" | "05" | "07" | "08" | "09");
    ok.then_some(local)
}

/// A plain but strict check of an e-mail address; returns it lower-cased.
pub fn normalize_email(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = s.rsplit_once('@')?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    ok.then(|| s.to_lowercase())
}

/// Usernames of officials: 3–64 of a-z, 0-9, '.', '_', '-', with at least
/// one letter. A name of digits alone is a citizen's: citizens sign in with
/// their ID number, so an official named `072090001234` would take that
/// citizen's place.
pub fn valid_username(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        && s.bytes().any(|b| b.is_ascii_lowercase())
}

impl Registration {
    /// Checks every field; returns all errors at once so the form can show them together.
    pub fn validate(&self, today_year: i32) -> Result<ValidRegistration, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = self.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errs.push(FieldError { field: "full_name", key: "err.required" });
        } else if name.chars().count() > MAX_NAME {
            errs.push(FieldError { field: "full_name", key: "err.too_long" });
        } else if name.chars().any(|c| c.is_ascii_digit() || c.is_control()) {
            errs.push(FieldError { field: "full_name", key: "err.name.chars" });
        }
        let cid = match CitizenId::parse(&self.citizen_id, today_year) {
            Ok(c) => Some(c),
            Err(e) => {
                errs.push(FieldError { field: "citizen_id", key: e.key() });
                None
            }
        };
        let phone = normalize_phone(&self.phone);
        if self.phone.trim().is_empty() {
            errs.push(FieldError { field: "phone", key: "err.required" });
        } else if phone.is_none() {
            errs.push(FieldError { field: "phone", key: "err.phone" });
        }
        let email = normalize_email(&self.email);
        if self.email.trim().is_empty() {
            errs.push(FieldError { field: "email", key: "err.required" });
        } else if email.is_none() {
            errs.push(FieldError { field: "email", key: "err.email" });
        }
        if let Some(key) =
            password::weakness(&self.password, &[self.citizen_id.as_str(), self.email.as_str(), self.phone.as_str()])
        {
            errs.push(FieldError { field: "password", key });
        } else if self.password != self.password_confirm {
            errs.push(FieldError { field: "password_confirm", key: "err.password.mismatch" });
        }
        match (errs.is_empty(), cid, phone, email) {
            (true, Some(citizen_id), Some(phone), Some(email)) => {
                Ok(ValidRegistration { full_name: name, citizen_id, phone, email, password: self.password.clone() })
            }
            _ => Err(errs),
        }
    }
}

/// A fresh random secret (session id, bearer token, CSRF token) as 64 hex digits.
pub fn random_secret() -> Result<String, IdentityError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|_| IdentityError::Random)?;
    Ok(egov_kernel::hex(&bytes))
}

/// What the store keeps of a secret: its SHA-256, so a leaked table opens nothing.
pub fn secret_digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    egov_kernel::hex(&Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_is_read_by_its_owner_and_the_officials_holding_it() {
        let d = |owner| Action::ReadDossier { owner, receiving: "A", current: "B" };
        let citizen = Principal {
            user_id: UserId::new(42),
            username: "c".into(),
            full_name: "C".into(),
            kind: AccountKind::Citizen,
            agency_id: None,
            roles: vec![],
            signed_by: None,
        };
        assert!(citizen.may(d(Some(UserId::new(42)))));
        assert!(!citizen.may(d(Some(UserId::new(43)))));
        assert!(!citizen.may(d(None)));
        assert!(official(&[Role::Receiver], "A").may(d(None)), "the agency that received it");
        assert!(official(&[Role::Specialist], "B").may(d(None)), "the agency that holds it");
        assert!(!official(&[Role::AgencyAdmin], "C").may(d(None)));
        assert!(official(&[Role::SystemAdmin], "S").may(d(None)));
        assert!(!citizen.may(Action::ManageCalendar));
        assert!(!official(&[Role::AgencyAdmin], "A").may(Action::ManageCalendar));
        assert!(official(&[Role::SystemAdmin], "S").may(Action::ManageCalendar));
    }

    #[test]
    fn an_agency_admin_grants_any_role_of_their_agency_but_system_admin() {
        let a = official(&[Role::AgencyAdmin], "A");
        assert!(a.may(Action::GrantRole("A", Role::Specialist)));
        assert!(a.may(Action::GrantRole("A", Role::AgencyAdmin)));
        assert!(!a.may(Action::GrantRole("A", Role::SystemAdmin)));
        assert!(!a.may(Action::GrantRole("B", Role::Specialist)));
        assert!(!official(&[Role::Approver], "A").may(Action::GrantRole("A", Role::Specialist)));
        assert!(official(&[Role::SystemAdmin], "S").may(Action::GrantRole("A", Role::SystemAdmin)));
    }

    #[test]
    fn officials_may_not_take_a_name_of_digits_alone() {
        assert!(valid_username("can.bo-01"));
        assert!(valid_username("a12"));
        assert!(!valid_username("072090001234"), "a citizen's ID");
        assert!(!valid_username("123"));
        assert!(!valid_username("1.2-3"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("Can.bo"));
    }

    fn official(roles: &[Role], agency: &str) -> Principal {
        Principal {
            user_id: UserId::new(1),
            username: "x".into(),
            full_name: "X".into(),
            kind: AccountKind::Official,
            agency_id: Some(AgencyId::from_stored(agency.into())),
            roles: roles.to_vec(),
            signed_by: None,
        }
    }

    #[test]
    fn an_organisation_s_dossiers_are_read_through_a_representative_s_session_only() {
        let d = |owner| Action::ReadDossier { owner, receiving: "A", current: "B" };
        let by = SignedBy { provider: "vneid".into(), subject: "s".into(), assurance: Assurance::Level2, person: None };
        let org = Principal {
            kind: AccountKind::Organisation,
            agency_id: None,
            roles: vec![],
            signed_by: Some(by),
            ..official(&[], "A")
        };
        assert!(org.may(d(Some(UserId::new(1)))));
        assert!(!org.may(d(Some(UserId::new(2)))));
        assert!(!Principal { signed_by: None, ..org.clone() }.may(d(Some(UserId::new(1)))), "no token of its own");
        assert!(!org.may(Action::UseBackOffice));
        assert!(org.is_applicant() && !org.is_official());
    }

    #[test]
    fn access_is_denied_by_default_and_scoped_by_agency() {
        let citizen = Principal { kind: AccountKind::Citizen, agency_id: None, roles: vec![], ..official(&[], "A") };
        assert!(!citizen.may(Action::UseBackOffice));
        assert!(!citizen.may(Action::ReadAgency("A")));
        let admin_a = official(&[Role::AgencyAdmin], "A");
        assert!(admin_a.may(Action::ManageAgency("A")));
        assert!(!admin_a.may(Action::ManageAgency("B")));
        assert!(!admin_a.may(Action::ReadAgency("B")));
        assert!(!admin_a.may(Action::ManageCatalog));
        let receiver = official(&[Role::Receiver], "A");
        assert!(receiver.may(Action::ReadAgency("A")));
        assert!(!receiver.may(Action::ManageAgency("A")));
        let sys = official(&[Role::SystemAdmin], "A");
        assert!(sys.may(Action::ManageCatalog) && sys.may(Action::ManageAgency("B")));
        let no_roles = official(&[], "A");
        assert!(!no_roles.may(Action::UseBackOffice));
    }

    #[test]
    fn phone_and_email() {
        assert_eq!(normalize_phone("+84 912 345 678").as_deref(), Some("0912345678"));
        assert_eq!(normalize_phone("0912.345.678").as_deref(), Some("0912345678"));
        assert_eq!(normalize_phone("0212345678"), None);
        assert_eq!(normalize_phone("091234567"), None);
        assert_eq!(normalize_email(" An@Example.VN ").as_deref(), Some("an@example.vn"));
        assert_eq!(normalize_email("an@example"), None);
        assert_eq!(normalize_email("a b@example.vn"), None);
        assert_eq!(normalize_email("@example.vn"), None);
    }

    #[test]
    fn registration_reports_all_errors() {
        let r = Registration { password: "short".into(), ..Default::default() };
        let errs = r.validate(2026).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["full_name", "citizen_id", "phone", "email", "password"]);
        let ok = Registration {
            full_name: "  Nguyễn   Văn An ".into(),
            citizen_id: "001090012345".into(),
            phone: "0912345678".into(),
            email: "an@example.vn".into(),
            password: "correct horse".into(),
            password_confirm: "correct horse".into(),
        };
        assert_eq!(ok.validate(2026).unwrap().full_name, "Nguyễn Văn An");
    }

    #[test]
    fn secrets_are_random_and_digested() {
        let a = random_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_secret().unwrap());
        assert_eq!(secret_digest(&a).len(), 64);
        assert_ne!(secret_digest(&a), a);
    }
}
