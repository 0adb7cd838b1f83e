//! Checklist templates (types only: loading and validation come with the checklist
//! work). An inspection keeps the exact (template, version) it used.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub id: String,
    pub sector: String,
    pub version: u32,
    pub title: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub code: String,
    /// The requirement in Chinese, as the inspector reads it.
    pub requirement: String,
    /// Law and article, or standard and clause.
    pub basis: String,
    pub answer: AnswerKind,
    /// Set when a failure is a 重大事故隐患 under a determination standard.
    pub major: Option<MajorRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AnswerKind {
    /// 符合 / 不符合 / 不适用.
    Compliance,
    /// A score deducted under a scored standard such as JGJ 59.
    Score { max: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MajorRef {
    /// e.g. 应急管理部令第10号.
    pub standard: String,
    pub clause: String,
}
