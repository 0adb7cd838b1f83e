//! A generated district: enterprises, inspections with notes, hazards and documents
//! at the scale of 门头沟区's five years (2011–2015: 65,230 inspections, 38,839
//! hazards, 13,744 orders). Deterministic for a seed; written through the store's
//! real write path (outbox and audit included).

use anjian_core::Id;
use anjian_core::credit_code::complete;
use anjian_core::document::DocumentKind;
use anjian_core::enterprise::{EnterpriseInput, Status};
use anjian_core::hazard::{HazardStatus, Level};
use anjian_core::inspector::InspectorInput;
use anjian_store::seed::Reference;
use anjian_store::{NewDocument, NewHazard, NewInspection, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub enterprises: usize,
    pub inspections: usize,
    pub hazards: usize,
    pub documents: usize,
}

pub const FIVE_YEARS: Scale = Scale { enterprises: 2_000, inspections: 65_000, hazards: 39_000, documents: 14_000 };

/// A small deterministic generator (SplitMix64): no dependency, same data every run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PLACES: &[&str] = &[
    "斋堂",
    "清水",
    "雁翅",
    "王平",
    "龙泉",
    "永定",
    "潭柘寺",
    "军庄",
    "妙峰山",
    "大峪",
    "城子",
    "东辛房",
    "大台",
    "石龙",
    "色树坟",
    "灵水",
    "爨底下",
    "千军台",
    "桑峪",
    "黄安坨",
];
const KINDS: &[(&str, &str)] = &[
    ("mine", "石材有限公司"),
    ("mine", "采石场"),
    ("fireworks", "烟花爆竹零售点"),
    ("construction", "建筑工程有限公司项目部"),
    ("crowded", "商场"),
    ("crowded", "宾馆"),
    ("hazchem", "化工有限公司"),
    ("hazchem", "加油站"),
    ("confined", "污水处理厂"),
    ("dust", "家具厂"),
    ("dust", "木制品加工厂"),
    ("gas", "酒家"),
    ("gas", "农家院"),
];
const WORDS: &[&str] = &[
    "鑫", "源", "泰", "华", "盛", "兴", "隆", "宏", "达", "永", "丰", "顺", "安", "康", "瑞", "祥", "利", "通", "恒",
    "昌",
];
const FINDINGS: &[&str] = &[
    "灭火器压力不足，部分已过期",
    "安全出口被货物堵塞",
    "疏散指示标志不亮",
    "配电箱未设置漏电保护",
    "可燃气体报警器未安装",
    "燃气软管老化开裂且超过使用年限",
    "有限空间作业未执行先通风、再检测、后作业",
    "未设置有限空间安全警示标识",
    "粉尘清扫记录缺失，积尘明显",
    "除尘器未设置泄爆装置",
    "边坡台阶高度超过设计",
    "排土场未进行稳定性分析",
    "临边防护栏杆高度不足1.2米",
    "脚手架连墙件缺失",
    "特种作业人员未持证上岗",
    "安全生产责任制未落实到岗位",
    "应急预案未按规定演练",
    "隐患排查治理台账不全",
    "库存超过核定数量",
    "仓库防雷设施检测过期",
    "气瓶未直立固定",
    "员工未参加安全培训",
    "消防车通道被占用",
    "防火门处于常开状态",
];
/// Appears in about one inspection note in 500.
pub const RARE: &str = "另发现私设电焊作业点，未办理动火审批。";
const ACTIONS: &[&str] =
    &["当场责令改正", "要求限期整改", "已拍照取证", "单位负责人签字确认", "下达责令限期整改指令书", "约定复查时间"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "胡", "郭"];
const GIVEN: &[&str] = &["磊", "娜", "伟", "芳", "强", "敏", "静", "军", "勇", "艳", "杰", "涛", "明", "超", "霞"];

const DIGITS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A valid credit code of the district for number `n`.
pub fn credit_code(n: usize) -> String {
    let mut first16 = String::from("91110109MA");
    let mut v = n;
    for _ in 0..6 {
        first16.push(DIGITS[v % 31] as char);
        v /= 31;
    }
    complete(&first16).unwrap_or_default()
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}{}", rng.pick(SURNAMES), rng.pick(GIVEN), if rng.below(2) == 0 { *rng.pick(GIVEN) } else { "" })
}

/// A finding's text, as an inspector would write it.
pub fn finding(rng: &mut Rng) -> String {
    format!(
        "{}：{}，{}。",
        rng.pick(&["仓库", "车间", "厨房", "配电室", "采场", "作业面", "营业厅", "地下室"]),
        rng.pick(FINDINGS),
        rng.pick(ACTIONS)
    )
}

/// A working-hours moment in the five years from `start`.
fn moment(rng: &mut Rng, start: NaiveDate) -> DateTime<Utc> {
    let d = start + chrono::Days::new(rng.below(5 * 365) as u64);
    let t = d.and_hms_opt(0, 30 + rng.below(29) as u32, 0).unwrap_or_default()
        + chrono::Duration::minutes(rng.below(480) as i64);
    t.and_utc()
}

#[derive(Debug, Default)]
pub struct Generated {
    pub enterprise_ids: Vec<Id>,
    pub inspection_ids: Vec<Id>,
}

/// Fills `store` (already opened and seeded with the reference lists).
pub fn generate(store: &Store, reference: &Reference, scale: Scale, seed: u64) -> Result<Generated, StoreError> {
    let mut rng = Rng::new(seed);
    let mut out = Generated::default();
    let refused = store.load_templates(anjian_api::CHECKLISTS)?;
    if let Some(p) = refused.first() {
        return Err(StoreError::Seed(format!("{}: {}", p.file, p.problem)));
    }
    let templates = store.templates(None)?;
    let mut sector_of = Vec::new();
    let officers = store.write(|w| {
        (0..20)
            .map(|i| {
                w.put_inspector(&InspectorInput {
                    name: format!("执法员{i:02}"),
                    cert_no: format!("110109{i:05}"),
                    unit: "门头沟区应急管理局".into(),
                })
                .map(|o| o.id)
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    store.write(|w| {
        for n in 0..scale.enterprises {
            let (sector, suffix) = *rng.pick(KINDS);
            let place = *rng.pick(PLACES);
            let division = rng.pick(&reference.divisions);
            let name = format!("北京{place}{}{}{suffix}{n}", rng.pick(WORDS), rng.pick(WORDS));
            let input = EnterpriseInput {
                name,
                credit_code: credit_code(n),
                credit_code_confirmed: false,
                address: format!("北京市门头沟区{}{place}村{}号", division.name, rng.below(300) + 1),
                division_code: division.code.clone(),
                sectors: vec![sector.to_owned()],
                legal_representative: person(&mut rng),
                safety_contact: person(&mut rng),
                contact_phone: format!("139{:08}", rng.below(100_000_000)),
                supervision_class: None,
                status: Status::Operating,
            };
            out.enterprise_ids.push(w.insert_enterprise(&input, false)?.id);
            sector_of.push(sector);
        }
        Ok(())
    })?;
    let start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default();
    let recent =
        NaiveDate::from_ymd_opt(2025, 10, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    // Batches keep each transaction to a few thousand records, as a long sync would.
    for chunk in (0..scale.inspections).collect::<Vec<_>>().chunks(5_000) {
        store.write(|w| {
            for _ in chunk {
                let a = rng.below(officers.len());
                let b = (a + 1 + rng.below(officers.len() - 1)) % officers.len();
                let mut notes = format!(
                    "{}{}",
                    finding(&mut rng),
                    if rng.below(2) == 0 { finding(&mut rng) } else { String::new() }
                );
                // A rare finding, so searches for uncommon terms are measured too.
                if rng.below(500) == 0 {
                    notes.push_str(RARE);
                }
                let k = rng.below(out.enterprise_ids.len());
                let template = templates.iter().find(|t| t.sector == sector_of[k]).unwrap_or(&templates[0]);
                let i = w.insert_inspection(&NewInspection {
                    enterprise_id: out.enterprise_ids[k],
                    template_id: template.id.clone(),
                    template_version: template.version,
                    inspectors: vec![officers[a], officers[b]],
                    accompanying_person: Some(person(&mut rng)),
                    notes,
                    started_at: Some(moment(&mut rng, start)),
                    task_id: None,
                })?;
                out.inspection_ids.push(i.id);
            }
            Ok(())
        })?;
    }
    for chunk in (0..scale.hazards).collect::<Vec<_>>().chunks(5_000) {
        store.write(|w| {
            for _ in chunk {
                let k = rng.below(out.inspection_ids.len());
                let level = if rng.below(50) == 0 { Level::Major } else { Level::General };
                let found = moment(&mut rng, start);
                let h = w.insert_hazard(&NewHazard {
                    enterprise_id: out.enterprise_ids[k % out.enterprise_ids.len()],
                    inspection_id: None,
                    item_code: None,
                    description: rng.pick(FINDINGS).to_string(),
                    level,
                    deadline: found.date_naive() + chrono::Days::new(7 + rng.below(60) as u64),
                    found_at: Some(found),
                })?;
                // Old hazards are mostly closed by re-inspection; recent ones still open.
                let roll = rng.below(100);
                let old = found < recent;
                let status = match (old, roll) {
                    (true, 0) | (false, 0..=39) => None,
                    (true, 1..=3) | (false, 40..=64) => Some(HazardStatus::Rectified),
                    _ => Some(HazardStatus::Verified),
                };
                if let Some(s) = status {
                    w.set_hazard_status(h.id, s, Some("复查合格"))?;
                }
            }
            Ok(())
        })?;
    }
    for chunk in (0..scale.documents).collect::<Vec<_>>().chunks(5_000) {
        store.write(|w| {
            for _ in chunk {
                let ent = *rng.pick(&out.enterprise_ids);
                w.insert_document(&NewDocument {
                    kind: DocumentKind::RectificationOrder,
                    enterprise_id: ent,
                    inspection_id: None,
                    cites: None,
                    hazards: vec![],
                    snapshot: serde_json::json!({ "items": [finding(&mut rng)] }),
                })?;
            }
            Ok(())
        })?;
    }
    Ok(out)
}
