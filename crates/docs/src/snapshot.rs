//! What a document says, typed: the renderer's only input. Everything printed comes from
//! here (including the fixed wording and the remedy bodies, copied from settings when the
//! draft is made), so an issued document reprints the same whatever changes later.

use serde::{Deserialize, Serialize};

/// The three-line head and what every document shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "DocumentHead")]
pub struct Head {
    /// 北京市门头沟区应急管理局
    pub bureau: String,
    /// 门应急责改〔2026〕第0012号; None while a draft (printed as a draft, not as a document).
    pub number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "DocumentOfficer")]
pub struct Officer {
    pub name: String,
    /// 执法证号
    pub certificate: String,
}

/// A signature as it stands on the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
#[ts(rename = "DocumentSignature")]
pub enum Signature {
    /// Drawn on screen: a PNG, base64.
    Drawn { png: String },
    /// The person refused to sign; the officers record the refusal.
    Refused,
    /// Left for a handwritten signature on paper.
    Blank,
}

/// The unit's person who signs (负责人 / 现场负责人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "DocumentUnitSigner")]
pub struct UnitSigner {
    pub name: String,
    #[serde(default)]
    pub title: String,
    pub signature: Signature,
}

impl Head {
    /// The number a document is issued under; none for a draft (no number, or an empty one).
    pub fn issued_number(&self) -> Option<&str> {
        self.number.as_deref().map(str::trim).filter(|n| !n.is_empty())
    }
}

/// A date as printed: 2026年12月15日.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string", rename = "DocumentDate")]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl TryFrom<String> for Date {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        let bad = || format!("不是日期（应为 YYYY-MM-DD）：{s}");
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let (year, month, day) =
            (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days[(month - 1) as usize] {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
    }
}

impl Date {
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// A time of day with its date, local (Beijing): "2026-11-29T09:30".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string", rename = "DocumentDateTime")]
pub struct DateTime {
    pub date: Date,
    pub hour: u32,
    pub minute: u32,
}

impl TryFrom<String> for DateTime {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        let bad = || format!("不是时间（应为 YYYY-MM-DDTHH:MM）：{s}");
        let (d, t) = s.split_once('T').ok_or_else(bad)?;
        let (h, m) = t.split_once(':').ok_or_else(bad)?;
        let (hour, minute): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if hour > 23 || minute > 59 || h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        Ok(DateTime { date: Date::try_from(d.to_owned())?, hour, minute })
    }
}

impl From<DateTime> for String {
    fn from(t: DateTime) -> String {
        format!("{}T{:02}:{:02}", String::from(t.date), t.hour, t.minute)
    }
}

/// 现场检查记录
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordSnapshot {
    pub head: Head,
    /// 被检查单位
    pub unit: String,
    pub address: String,
    /// 法定代表人（负责人）, 职务, 联系电话
    pub legal_representative: String,
    #[serde(default)]
    pub legal_representative_title: String,
    #[serde(default)]
    pub phone: String,
    /// 检查场所
    pub place: String,
    pub started_at: DateTime,
    pub ended_at: DateTime,
    pub officers: Vec<Officer>,
    pub officer_signatures: Vec<Signature>,
    /// The officers' statement, with {bureau}, {names} and {certificates} filled in.
    pub introduction: String,
    /// 检查情况: free text, may run onto continuation pages.
    pub findings: String,
    /// 现场负责人
    pub unit_signer: UnitSigner,
    pub date: Date,
    /// "本文书一式两份……"
    pub copies_note: String,
}

/// Items of an order that share one deadline (第 1、2 项 … 前整改完毕).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeadlineGroup {
    /// 1-based item numbers.
    pub items: Vec<u32>,
    pub deadline: Date,
}

/// The fixed wording of an order, from settings; `{items}`, `{deadline}`, `{review_body}`
/// and `{court}` are filled in when rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderWording {
    /// 经查，你单位存在下列问题：
    pub findings_intro: String,
    /// 对第{items}项问题，于{deadline}前整改完毕……
    pub deadline_clause: String,
    /// 整改期间，你单位应当采取措施，确保安全生产……
    pub safety_clause: String,
    /// 如果不服本指令，可以依法在60日内向{review_body}申请行政复议……
    pub remedy_clause: String,
}

/// Where an objection goes (行政复议 body, court): settings of the bureau.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Remedy {
    pub review_body: String,
    pub court: String,
}

/// 责令限期整改指令书
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderSnapshot {
    pub head: Head,
    /// 被检查单位 (the addressee).
    pub addressee: String,
    /// The problems found, numbered from 1 in this order.
    pub items: Vec<String>,
    pub deadline_groups: Vec<DeadlineGroup>,
    pub wording: OrderWording,
    pub remedy: Remedy,
    pub officers: Vec<Officer>,
    pub officer_signatures: Vec<Signature>,
    /// 被检查单位负责人
    pub unit_signer: UnitSigner,
    pub date: Date,
    pub copies_note: String,
}

/// The order a review cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CitedDecision {
    pub date: Date,
    /// 责令限期整改指令书
    pub title: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewOpinion {
    /// The item's number in the order (第4项 stays 第4项). Absent in reviews drafted before
    /// it was kept (their items are numbered in order), so their content hash is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub number: Option<u32>,
    /// The problem as the order stated it.
    pub item: String,
    pub rectified: bool,
    /// What was found and what follows.
    pub opinion: String,
}

/// 整改复查意见书
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewSnapshot {
    pub head: Head,
    /// 被复查单位
    pub addressee: String,
    pub cited: CitedDecision,
    /// 本机关于{date}作出了{title}的决定（{number}），经对你单位第{items}项问题的整改情况
    /// 进行复查，提出如下意见：({items}: the order's items this review answers)
    pub intro: String,
    pub opinions: Vec<ReviewOpinion>,
    pub officers: Vec<Officer>,
    pub officer_signatures: Vec<Signature>,
    pub unit_signer: UnitSigner,
    pub date: Date,
    pub copies_note: String,
}

/// Any of the three.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", tag = "kind", content = "snapshot")]
#[ts(rename = "DocumentSnapshot")]
pub enum Snapshot {
    Record(RecordSnapshot),
    Order(OrderSnapshot),
    Review(ReviewSnapshot),
}

impl Snapshot {
    pub fn head(&self) -> &Head {
        match self {
            Snapshot::Record(s) => &s.head,
            Snapshot::Order(s) => &s.head,
            Snapshot::Review(s) => &s.head,
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            Snapshot::Record(_) => "现场检查记录",
            Snapshot::Order(_) => "责令限期整改指令书",
            Snapshot::Review(_) => "整改复查意见书",
        }
    }

    /// The date the document bears.
    pub fn date(&self) -> Date {
        match self {
            Snapshot::Record(s) => s.date,
            Snapshot::Order(s) => s.date,
            Snapshot::Review(s) => s.date,
        }
    }

    pub fn officers(&self) -> &[Officer] {
        match self {
            Snapshot::Record(s) => &s.officers,
            Snapshot::Order(s) => &s.officers,
            Snapshot::Review(s) => &s.officers,
        }
    }
}
