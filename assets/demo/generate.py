#!/usr/bin/env python3
"""Generate the anjian DEMO enterprise set (assets/demo/enterprises.json).

Everything produced here is FICTIONAL: names, people, phone numbers, addresses
and credit codes are made up by a seeded random generator. Any resemblance to a
real enterprise or person is coincidental.

    python3 assets/demo/generate.py           # write enterprises.json
    python3 assets/demo/generate.py --check   # only verify the existing file

Deterministic: same script + same seed files -> byte-identical output.
Standard library only.
"""

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_DIR = HERE.parent / "seed"
OUT = HERE / "enterprises.json"

SEED = 20240611
TOTAL = 360
NOTE = "演示数据：虚构单位，仅供体验，不代表真实企业"

# ---------------------------------------------------------------------------
# Credit codes (GB 32100-2015 统一社会信用代码, with GB 11714 organisation code)
# ---------------------------------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # value = index (no I O S V Z)
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_value(ch):
    """GB 11714 value: digits 0-9, letters A=10 .. Z=35."""
    if ch.isdigit():
        return ord(ch) - ord("0")
    return ord(ch) - ord("A") + 10


def org_check(body8):
    c = 11 - sum(org_value(ch) * w for ch, w in zip(body8, ORG_WEIGHTS)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(first17):
    s = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - s % 31) % 31]


def make_uscc(rng, kind):
    """kind: '1' company, '2' 个体工商户, '3' 农民专业合作社."""
    letters = [ch for ch in USCC_CHARSET if ch.isalpha()]
    if rng.random() < 0.7:
        # post-2015 style: "MA" + 6 chars
        body = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
    elif rng.random() < 0.8:
        # older all-digit organisation codes (e.g. 5xxxxxxx, 6xxxxxxx, 7xxxxxxx)
        body = rng.choice("5678") + "".join(rng.choice("0123456789") for _ in range(7))
    else:
        body = "L" + rng.choice(letters) + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
    head = "9" + kind + "110109" + body + org_check(body)
    return head + uscc_check(head)


# Independent verifier: different derivation of weights and of the values.
#  * GB 32100 weights are 3^i mod 31; a valid code satisfies
#    sum(v_i * 3^i mod 31, i < 17) + v_17 == 0 (mod 31).
#  * GB 11714 weights are 2^(8-i) mod 11; valid iff sum + check == 0 (mod 11)
#    with X = 10 (and '0' standing for 11 == 0 mod 11).
_USCC_RE = re.compile(r"^9[123]110109[0-9A-HJ-NP-RTUW-Y]{8}[0-9X][0-9A-HJ-NP-RTUW-Y]$")
_VAL31 = {ch: i for i, ch in enumerate("0123456789ABCDEFGHJKLMNPQRTUWXY")}


def uscc_arithmetic_ok(code):
    """Both check characters of an 18-char code, region not considered."""
    if len(code) != 18 or any(ch not in _VAL31 for ch in code):
        return False
    if (sum(_VAL31[code[i]] * pow(3, i, 31) for i in range(17)) + _VAL31[code[17]]) % 31:
        return False
    org = code[8:17]
    if org[8] not in "0123456789X":
        return False
    total = sum(int(org[i], 36) * pow(2, 8 - i, 11) for i in range(8))
    return (total + (10 if org[8] == "X" else int(org[8]))) % 11 == 0


def verify_uscc_independent(code):
    """A demo code: 91/92/93 + 110109 + valid organisation code + valid check."""
    return bool(_USCC_RE.match(code)) and uscc_arithmetic_ok(code)


# ---------------------------------------------------------------------------
# Places (used only to build fictional addresses and names)
# ---------------------------------------------------------------------------

SHORT = {  # short form of each division used inside company names
    "大峪街道": "大峪", "城子街道": "城子", "东辛房街道": "东辛房", "大台街道": "大台",
    "龙泉镇": "龙泉", "永定镇": "永定", "王平镇": "王平", "潭柘寺镇": "潭柘寺",
    "军庄镇": "军庄", "妙峰山镇": "妙峰山", "雁翅镇": "雁翅", "斋堂镇": "斋堂",
    "清水镇": "清水", "北京石龙经济开发区": "石龙",
}

# places: (name, style) where style "road" -> "...路12号", "village" -> "...村12号",
# "community" -> "...社区3号楼"
PLACES = {
    "大峪街道": {"road": ["新桥大街", "新桥南大街", "黑山大街", "滨河路", "双峪路", "增产路", "大峪南路", "剧场东街"],
                "community": ["月季园", "双峪", "向阳", "峪园", "桃园", "永新"]},
    "城子街道": {"road": ["城子大街", "城子西街", "城子南路", "矿建街", "西宁路"],
                "community": ["龙门新区", "城子", "蓝龙家园", "燕保"]},
    "东辛房街道": {"road": ["东辛房大街", "圈门大街", "滑石道", "门头沟路", "河滩路"],
                  "community": ["东辛房", "圈门", "滑石道", "北岭"]},
    "大台街道": {"village": ["千军台村", "庄户村", "板桥村", "木城涧村"],
                "community": ["大台", "灰地", "桃园"]},
    "龙泉镇": {"village": ["琉璃渠村", "三家店村", "龙泉务村", "西辛房村", "大峪村", "城子村",
                         "门头口村", "天桥浮村", "赵家洼村", "东龙门村", "西龙门村"],
              "road": ["龙泉路", "三家店路", "琉璃渠路"]},
    "永定镇": {"village": ["冯村", "何各庄村", "卧龙岗村", "石门营村", "上岸村", "四道桥村", "曹各庄村",
                         "西辛称村", "东辛称村", "侯庄子村", "小园村", "万佛堂村", "秋坡村", "岢罗坨村"],
              "road": ["永定路", "石门营路", "上岸路"]},
    "王平镇": {"village": ["王平村", "东王平村", "西王平村", "南涧村", "色树坟村", "韭园村", "桥耳涧村",
                         "东石古岩村", "西石古岩村", "吕家坡村", "安家庄村", "东马各庄村",
                         "西马各庄村", "南港村", "落坡岭村"]},
    "潭柘寺镇": {"village": ["北村", "东村", "南村", "鲁家滩村", "南辛房村", "桑峪村", "平原村", "王坡村",
                           "贾沟村", "草甸水村", "赵家台村", "阳坡元村"]},
    "军庄镇": {"village": ["军庄村", "东山村", "西山村", "孟悟村", "东杨坨村", "西杨坨村", "灰峪村",
                         "香峪村", "新村", "北四道村"]},
    "妙峰山镇": {"village": ["涧沟村", "樱桃沟村", "陇驾庄村", "下苇甸村", "上苇甸村", "担礼村", "水峪嘴村",
                           "丁家滩村", "斜河涧村", "南庄村", "桃园村", "炭厂村", "黄台村", "岭角村", "禅房村"]},
    "雁翅镇": {"village": ["雁翅村", "太子墓村", "田庄村", "苇子水村", "淤白村", "青白口村", "碣石村",
                         "饮马鞍村", "芹峪村", "马套村", "珠窝村", "下马岭村", "付家台村", "黄土贵村", "松树村"]},
    "斋堂镇": {"village": ["爨底下村", "灵水村", "柏峪村", "马栏村", "沿河城村", "东斋堂村", "西斋堂村",
                         "火村", "双石头村", "黄岭西村", "军响村", "白虎头村", "法城村", "高铺村", "林子台村"]},
    "清水镇": {"village": ["双塘涧村", "燕家台村", "张家庄村", "上清水村", "下清水村", "田寺村", "齐家庄村",
                         "塔河村", "洪水口村", "江水河村", "小龙门村", "梁家庄村", "黄安坨村", "李家庄村", "杜家庄村"]},
    "北京石龙经济开发区": {"road": ["永安路", "石龙南路", "石龙东路", "石龙北路", "石龙西路", "莲石湖西路"]},
}

def address_prefix(division):
    # the zone is written "石龙经济开发区" in addresses, not "北京石龙经济开发区"
    return "北京市门头沟区" + (division[2:] if division.startswith("北京") else division)


# how many demo enterprises per division (sums to TOTAL)
DIVISION_COUNTS = {
    "大峪街道": 40, "城子街道": 28, "东辛房街道": 20, "大台街道": 12,
    "龙泉镇": 42, "永定镇": 42, "王平镇": 16, "潭柘寺镇": 24, "军庄镇": 20,
    "妙峰山镇": 18, "雁翅镇": 16, "斋堂镇": 26, "清水镇": 16, "北京石龙经济开发区": 40,
}

SECTOR_ORDER = ["mine", "fireworks", "construction", "crowded", "hazchem", "confined", "dust", "gas"]
# weights in SECTOR_ORDER
W_URBAN = [0, 3, 4, 6, 1, 2, 1, 7]
W_DATAI = [2, 2, 2, 2, 1, 2, 0.5, 3]
W_PLAIN = [0.5, 2, 5, 4, 2, 2, 2, 4]
W_MOUNTAIN = [3, 2, 1.5, 2.5, 1, 1.5, 1, 4]
W_ZONE = [0, 0, 3, 1, 3, 2, 4, 1.5]
SECTOR_WEIGHTS = {
    "大峪街道": W_URBAN, "城子街道": W_URBAN, "东辛房街道": W_URBAN, "大台街道": W_DATAI,
    "龙泉镇": W_PLAIN, "永定镇": W_PLAIN, "北京石龙经济开发区": W_ZONE,
}

# ---------------------------------------------------------------------------
# People and trade names
# ---------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
            "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
            "雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂焦向柳邢")
# Realistic given names, by gender so that names do not mix 刚 with 娟.
MALE_2 = ["建国", "志强", "海涛", "文博", "俊杰", "明辉", "晓东", "永刚", "立新", "卫东", "春生", "国庆",
          "建华", "振华", "宏伟", "德明", "学军", "树林", "浩然", "宇航", "鹏飞", "子豪", "晨阳", "金生",
          "占山", "长青", "玉林", "少华", "国栋", "志远", "庆丰", "海龙", "世杰", "红旗", "保国",
          "铁军", "福来", "建军", "家豪", "天佑", "博文", "泽宇", "文涛", "兆丰", "万里", "广平", "守信"]
FEMALE_2 = ["秀英", "桂兰", "玉梅", "淑珍", "丽华", "春燕", "晓燕", "红梅", "雪梅", "海燕", "慧敏", "静怡",
            "雅琴", "佳怡", "思雨", "丽娟", "秀兰", "凤霞", "金凤", "淑芬", "美玲", "晓霞", "玉兰", "艳红",
            "婷婷", "欣悦", "梦琪", "月华", "素芳", "桂芝", "翠萍", "文静", "丽萍", "亚楠", "雨桐", "彩霞"]
MALE_1 = list("伟强磊军勇杰涛斌刚鹏峰超明辉亮浩波健凯")
FEMALE_1 = list("静敏丽芳娜燕红霞萍艳莉娟颖洁琳")
# fictional people with less common characters (search / font tests)
RARE_GIVEN = ["堃", "淼", "喆", "赟", "翀", "昶", "珺", "玥", "犇", "垚", "子堃", "一喆", "思玥", "珺瑶",
              "浩翀", "嘉赟", "昶宇", "雨淼"]
ZIHAO_A = "鑫恒泰源华盛兴隆德顺瑞祥丰达通宏远安康福利旺昌嘉诚信和润峰磊金宝海天京西峪燕永晟昊睿鼎聚汇锦"
ZIHAO_B = "鑫泰源盛兴隆达通远安康利旺昌嘉诚信和润峰磊宝海发成茂恒华顺祥业益强联鸿宇辰晖"
RARE_ZIHAO = ["燚鑫", "犇达", "垚盛", "淼源", "赟泰", "喆宏", "昶兴", "翀远"]
DISHES = ["涮肉馆", "炸酱面馆", "饺子馆", "烤鸭店", "火锅店", "烧烤店", "家常菜馆", "羊蝎子馆", "铁锅炖", "包子铺"]
CROPS = ["樱桃", "核桃", "玫瑰", "京白梨", "香椿", "杏仁", "蜂产品"]

MOBILE_PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
                   "152", "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180",
                   "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199"]
LANDLINE_PREFIXES = ["6984", "6985", "6986", "6983", "6080", "6982"]


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.names = set()
        self.codes = set()
        self.phones = set()

    # -- helpers ------------------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def person(self):
        r = self.rng
        surname = r.choice(SURNAMES)
        x = r.random()
        if x < 0.04:
            given = r.choice(RARE_GIVEN)
        elif x < 0.30:
            given = r.choice(MALE_1 if r.random() < 0.6 else FEMALE_1)
        else:
            given = r.choice(MALE_2 if r.random() < 0.6 else FEMALE_2)
        return surname + given

    def zihao(self):
        r = self.rng
        if r.random() < 0.02:
            return r.choice(RARE_ZIHAO)
        while True:
            a, b = r.choice(ZIHAO_A), r.choice(ZIHAO_B)
            if a != b:
                return a + b

    def phone(self):
        r = self.rng
        while True:
            if r.random() < 0.72:
                p = r.choice(MOBILE_PREFIXES) + "".join(r.choice("0123456789") for _ in range(8))
            else:
                p = "010-" + r.choice(LANDLINE_PREFIXES) + "".join(r.choice("0123456789") for _ in range(4))
            if p not in self.phones:
                self.phones.add(p)
                return p

    def code(self, kind):
        while True:
            c = make_uscc(self.rng, kind)
            if c not in self.codes:
                self.codes.add(c)
                return c

    def place(self, division, allowed=("village", "road", "community")):
        """Pick (place_name, style) among the styles this division has.

        allowed lists the acceptable styles; industrial sites pass
        ("village", "road") so they never land in a residential community.
        """
        opts = PLACES[division]
        styles = [st for st in allowed if st in opts] or [st for st in ("road", "village") if st in opts]
        style = self.rng.choice(styles)
        return self.rng.choice(opts[style]), style

    def address(self, division, place, style, site=False):
        """site: False for shops/offices, "plant" for works and depots (no floor or
        room numbers), True for a construction site (a plot, not a house number)."""
        r = self.rng
        base = address_prefix(division)
        if site == "plant":
            if style == "road":
                return base + f"{place}{r.randint(1, 199)}号{'院' if r.random() < 0.3 else ''}"
            return base + f"{place}{r.randint(1, 320)}号"
        if site:  # a construction site: a plot next to a road / village / community
            side = r.choice(["东侧", "西侧", "南侧", "北侧"])
            if style == "community":
                return base + f"{place}社区{side}地块"
            return base + f"{place}{side}{r.choice(['地块', '施工现场'])}"
        if style == "road":
            tail = f"{place}{r.randint(1, 199)}号"
            if r.random() < 0.35:
                tail += f"{r.randint(1, 12)}号楼"
                if r.random() < 0.4:
                    floor = r.randint(1, 6)
                    tail += f"{floor}层{floor}{r.randint(1, 30):02d}室"
            return base + tail
        if style == "community":
            return base + f"{place}社区{r.randint(1, 30)}号楼{r.choice(['底商', '1层', '一层商铺'])}{r.randint(1, 12)}号"
        return base + f"{place}{r.randint(1, 320)}号"

    @staticmethod
    def short_place(place, style, division):
        """Short place word for names: village without 村, community name, or the
        division short name for roads (a plant is not named after a road)."""
        if style == "village":
            return place[:-1] if place.endswith("村") and len(place) > 2 else place
        if style == "community":
            return place
        return SHORT[division]

    # -- sector templates -------------------------------------------------
    # Each returns (name, kind, sectors, place, style, site)
    #   kind: credit-code position 2 ('1' company, '2' 个体工商户, '3' 农民专业合作社)
    #   site: see address(): False shop/office, "plant" works/depot, True construction site
    INDUSTRIAL = ("village", "road")

    def t_mine(self, div):
        r = self.rng
        ds = SHORT[div]
        place, style = self.place(div, ("village",))
        loc = self.short_place(place, style, div)
        zh = self.zihao()
        name = r.choice([
            f"北京门头沟{ds}{zh}石材有限公司",
            f"北京{zh}砂石有限公司",
            f"北京{zh}矿业有限公司（{loc}采石场）",
            f"北京{zh}建材有限公司{loc}石灰石矿",
            f"北京门头沟{loc}{zh}石料厂",
            f"北京{zh}矿产品开发有限公司",
            f"北京{zh}石料加工有限公司（{loc}尾矿库）",
        ])
        return name, "1", ["mine"], place, style, "plant"

    def t_fireworks(self, div):
        r = self.rng
        place, style = self.place(div)
        loc = self.short_place(place, style, div)
        zh = self.zihao()
        if r.random() < 0.55:
            name = r.choice([
                f"门头沟区{zh}烟花爆竹零售点",
                f"门头沟区{loc}{r.choice(SURNAMES)}记烟花爆竹零售点",
                f"门头沟区{zh}便民超市（烟花爆竹临时零售点）",
                f"门头沟区{loc}{zh}百货商店（烟花爆竹零售点）",
            ])
            return name, "2", ["fireworks"], place, style, False
        name = r.choice([
            f"北京{zh}商贸有限公司{loc}烟花爆竹零售点",
            f"北京{zh}烟花爆竹销售有限公司",
            f"北京{zh}连锁超市有限公司{loc}店（烟花爆竹零售点）",
        ])
        return name, "1", ["fireworks"], place, style, False

    def t_construction(self, div):
        r = self.rng
        ds = SHORT[div]
        place, style = self.place(div)
        loc = self.short_place(place, style, div)
        zh, zh2 = self.zihao(), self.zihao()
        projects = [  # (project, involves pipes / wells -> also confined space)
            (f"{ds}{zh2}家园保障性住房", False),
            (f"{ds}{zh2}商业综合体", False),
            (f"{loc}污水管网改造工程", True),
            (f"{loc}雨污分流工程", True),
            (f"{ds}学校教学楼改扩建", False),
            (f"{ds}社区卫生服务中心", False),
            (f"{ds}养老照料中心", False),
            (f"{loc}供热管线改造工程", True),
        ]
        if style == "village":
            projects += [(f"{loc}棚户区改造安置房", False), (f"{loc}民俗村风貌提升工程", False)]
        if style == "road":
            projects += [(f"{place}道路大修工程", True)]
        if div == "北京石龙经济开发区":
            projects += [(f"石龙{zh2}科技园", False), (f"石龙{zh2}研发楼", False)]
        elif div not in MOUNTAIN:
            projects += [(f"{ds}{zh2}产业园二期", False)]
        project, pipe = r.choice(projects)
        company = r.choice(["建筑工程有限公司", "建设集团有限公司", "市政工程有限公司", "建设工程有限公司",
                            "城建工程有限公司"])
        name = f"北京{zh}{company}（{project}项目部）"
        sectors = ["construction"]
        if pipe or r.random() < 0.12:
            sectors.append("confined")
        return name, "1", sectors, place, style, True

    def t_crowded(self, div):
        r = self.rng
        ds = SHORT[div]
        place, style = self.place(div)
        loc = self.short_place(place, style, div)
        zh = self.zihao()
        opts = [  # (name, kind, sectors)
            (f"北京{zh}超市有限公司{ds}店", "1", ["crowded"]),
            (f"北京{zh}养老服务有限公司（{ds}{zh}养老院）", "1", ["crowded", "gas"]),
            (f"门头沟区{zh}宾馆", "2", ["crowded"]),
        ]
        if div in MOUNTAIN:
            opts += [
                (f"北京{zh}旅游开发有限公司（{loc}景区）", "1", ["crowded"]),
                (f"门头沟区{loc}{zh}民宿", "2", ["crowded", "gas"]),
                (f"门头沟区{loc}{zh}民宿", "2", ["crowded"]),
                (f"北京{loc}{zh}文化旅游有限公司", "1", ["crowded"]),
                (f"北京{zh}度假村有限公司", "1", ["crowded", "gas"]),
            ]
        else:
            opts += [
                (f"{ds}{zh}商场", "1", ["crowded"]),
                (f"北京{zh}购物中心有限公司", "1", ["crowded"]),
                (f"北京{zh}大酒店有限公司", "1", ["crowded", "gas"]),
                (f"北京{zh}影院管理有限公司{ds}影城", "1", ["crowded"]),
                (f"北京{zh}文化娱乐有限公司（{zh}KTV）", "1", ["crowded"]),
                (f"北京{zh}健身服务有限公司", "1", ["crowded"]),
                (f"门头沟区{zh}网吧", "2", ["crowded"]),
            ]
        name, kind, sectors = r.choice(opts)
        return name, kind, list(sectors), place, style, False

    def t_hazchem(self, div):
        r = self.rng
        place, style = self.place(div, self.INDUSTRIAL)
        loc = self.short_place(place, style, div)
        zh = self.zihao()
        opts = [
            (f"北京{zh}化工有限公司", "1", ["hazchem"]),
            (f"北京{zh}石油销售有限公司{loc}加油站", "1", ["hazchem"]),
            (f"北京{zh}燃气有限公司{loc}液化石油气供应站", "1", ["hazchem"]),
            (f"北京{zh}工业气体有限公司", "1", ["hazchem", "confined"]),
            (f"北京{zh}化学试剂有限公司", "1", ["hazchem"]),
            (f"北京{zh}涂料有限公司", "1", ["hazchem"]),
            (f"北京{zh}化工储运有限公司", "1", ["hazchem", "confined"]),
            (f"门头沟区{zh}化工商店", "2", ["hazchem"]),
        ]
        if div == "北京石龙经济开发区":
            opts += [
                (f"北京石龙{zh}新材料科技有限公司", "1", ["hazchem"]),
                (f"北京{zh}精细化工有限公司", "1", ["hazchem", "confined"]),
                (f"北京{zh}电子材料有限公司", "1", ["hazchem"]),
            ]
        name, kind, sectors = r.choice(opts)
        return name, kind, list(sectors), place, style, ("plant" if kind != "2" else False)

    def t_confined(self, div):
        r = self.rng
        ds = SHORT[div]
        place, style = self.place(div, self.INDUSTRIAL)
        loc = self.short_place(place, style, div)
        zh = self.zihao()
        opts = [
            (f"北京{zh}水务有限公司{loc}污水处理厂", "1", ["confined"]),
            (f"北京{zh}环保工程有限公司（{loc}污水处理站）", "1", ["confined"]),
            (f"北京{zh}热力有限公司（{loc}供热站）", "1", ["confined"]),
            (f"北京{zh}酿酒有限公司", "1", ["confined"]),
            (f"北京{zh}食品有限公司", "1", ["confined"]),
            (f"北京{zh}环卫服务有限公司（{ds}垃圾转运站）", "1", ["confined"]),
            (f"{ds}{zh}再生水厂", "1", ["confined", "hazchem"]),
        ]
        if div in MOUNTAIN:
            opts += [
                (f"北京{loc}{zh}养殖专业合作社", "3", ["confined"]),
                (f"北京{loc}{r.choice(CROPS)}种植专业合作社", "3", ["confined"]),
            ]
        else:
            # a property manager's wells / garages sit in a residential community
            cplace, cstyle = self.place(div, ("community", "road", "village"))
            if r.random() < 0.5:
                return f"北京{zh}物业管理有限公司{ds}项目", "1", ["confined"], cplace, cstyle, False
        name, kind, sectors = r.choice(opts)
        return name, kind, list(sectors), place, style, ("plant" if kind != "2" else False)

    def t_dust(self, div):
        r = self.rng
        ds = SHORT[div]
        place, style = self.place(div, self.INDUSTRIAL)
        loc = self.short_place(place, style, div)
        zh = self.zihao()
        opts = [
            (f"门头沟区{zh}家具厂", "2", ["dust"]),
            (f"北京{zh}家具有限公司", "1", ["dust"]),
            (f"北京{zh}木业有限公司", "1", ["dust"]),
            (f"北京{zh}粮油加工有限公司", "1", ["dust", "confined"]),
            (f"北京{zh}金属制品有限公司", "1", ["dust"]),
            (f"北京{zh}饲料有限公司", "1", ["dust", "confined"]),
            (f"北京{zh}包装制品有限公司", "1", ["dust"]),
            (f"北京{zh}淀粉制品有限公司", "1", ["dust"]),
            (f"北京门头沟{ds}{zh}铝制品厂", "1", ["dust"]),
            (f"北京{loc}{zh}木器加工厂", "1", ["dust"]),
        ]
        if div == "北京石龙经济开发区":
            opts += [
                (f"北京石龙{zh}增材制造科技有限公司", "1", ["dust"]),
                (f"北京{zh}粉末冶金有限公司", "1", ["dust"]),
            ]
        name, kind, sectors = r.choice(opts)
        return name, kind, list(sectors), place, style, ("plant" if kind != "2" else False)

    def t_gas(self, div):
        r = self.rng
        ds = SHORT[div]
        place, style = self.place(div)
        loc = self.short_place(place, style, div)
        zh = self.zihao()
        sur = r.choice(SURNAMES)
        opts = [
            (f"门头沟区{zh}酒家", "2", ["gas"]),
            (f"门头沟区{sur}记{r.choice(DISHES)}", "2", ["gas"]),
            (f"门头沟区{zh}饭庄", "2", ["gas"]),
            (f"门头沟区{ds}{zh}{r.choice(DISHES)}", "2", ["gas"]),
            (f"北京{zh}餐饮管理有限公司{ds}分店", "1", ["gas"]),
            (f"北京{zh}餐饮有限公司", "1", ["gas", "crowded"]),
            (f"北京{zh}团餐服务有限公司（{ds}食堂）", "1", ["gas"]),
        ]
        if div in MOUNTAIN:
            opts += [
                (f"门头沟区{loc}{sur}家农家院", "2", ["gas"]),
                (f"门头沟区{loc}{zh}农家乐", "2", ["gas"]),
                (f"北京{loc}民俗旅游专业合作社", "3", ["gas", "crowded"]),
            ]
        name, kind, sectors = r.choice(opts)
        return name, kind, list(sectors), place, style, False

    # -- records -------------------------------------------------------------
    def record(self, div, div_code, sector, forced=None):
        r = self.rng
        for _ in range(200):
            if forced:
                name, kind, sectors, place, style, site = forced(self)
                forced = None
            else:
                name, kind, sectors, place, style, site = getattr(self, "t_" + sector)(div)
            if name not in self.names:
                break
        else:
            raise RuntimeError(f"could not find a unique name for {div}/{sector}")
        self.names.add(name)
        legal = self.person()
        if kind == "2" and r.random() < 0.5:
            safety = legal
        else:
            safety = self.person()
            while safety == legal:
                safety = self.person()
        primary = sectors[0]
        supervision = r.choices("ABCD", weights=CLASS_WEIGHTS[primary])[0]
        status = r.choices(["operating", "suspended", "closed"], weights=STATUS_WEIGHTS.get(primary, (90, 7, 3)))[0]
        return {
            "name": name,
            "creditCode": self.code(kind),
            "address": self.address(div, place, style, site),
            "divisionCode": div_code,
            "sectors": sorted(set(sectors), key=SECTOR_ORDER.index),
            "legalRepresentative": legal,
            "safetyContact": safety,
            "contactPhone": self.phone(),
            "supervisionClass": supervision,
            "status": status,
        }


MOUNTAIN = {"王平镇", "潭柘寺镇", "军庄镇", "妙峰山镇", "雁翅镇", "斋堂镇", "清水镇", "大台街道"}

CLASS_WEIGHTS = {  # A B C D
    "mine": (35, 40, 20, 5), "hazchem": (35, 40, 20, 5), "fireworks": (10, 30, 40, 20),
    "construction": (20, 45, 30, 5), "crowded": (15, 35, 35, 15), "confined": (15, 35, 35, 15),
    "dust": (20, 40, 30, 10), "gas": (5, 20, 40, 35),
}
STATUS_WEIGHTS = {"mine": (55, 28, 17), "construction": (85, 10, 5), "fireworks": (85, 12, 3)}


# Anchors: a few guaranteed records so search tests have stable targets
# (short queries 石龙 / 龙泉, rare characters 爨 岢 碣 燚).
ANCHORS = [  # (division, sector, template returning the same tuple as the t_* methods)
    ("斋堂镇", "crowded", lambda g: (f"门头沟区爨底下{g.zihao()}民宿", "2", ["crowded", "gas"], "爨底下村", "village", False)),
    ("永定镇", "dust", lambda g: (f"北京岢罗坨{g.zihao()}木业有限公司", "1", ["dust"], "岢罗坨村", "village", "plant")),
    ("雁翅镇", "mine", lambda g: (f"北京门头沟碣石{g.zihao()}石材有限公司", "1", ["mine"], "碣石村", "village", "plant")),
    ("北京石龙经济开发区", "dust", lambda g: ("北京燚鑫粉末冶金有限公司", "1", ["dust"], "石龙南路", "road", "plant")),
    ("北京石龙经济开发区", "hazchem", lambda g: (f"北京石龙{g.zihao()}新材料科技有限公司", "1", ["hazchem", "confined"], "永安路", "road", "plant")),
    ("北京石龙经济开发区", "construction", lambda g: (f"北京{g.zihao()}建设集团有限公司（石龙{g.zihao()}科技园项目部）", "1", ["construction", "confined"], "石龙东路", "road", True)),
    ("龙泉镇", "crowded", lambda g: (f"龙泉{g.zihao()}商场", "1", ["crowded"], "龙泉路", "road", False)),
    ("龙泉镇", "gas", lambda g: (f"门头沟区龙泉{g.zihao()}涮肉馆", "2", ["gas"], "琉璃渠村", "village", False)),
    ("龙泉镇", "confined", lambda g: (f"北京{g.zihao()}水务有限公司龙泉务污水处理厂", "1", ["confined"], "龙泉务村", "village", "plant")),
]


def generate():
    divisions = json.loads((SEED_DIR / "divisions.json").read_text(encoding="utf-8"))
    sectors = json.loads((SEED_DIR / "sectors.json").read_text(encoding="utf-8"))
    assert [s["code"] for s in sectors] == SECTOR_ORDER, "sectors.json changed: update SECTOR_ORDER"
    div_code = {d["name"]: d["code"] for d in divisions}
    assert set(div_code) == set(DIVISION_COUNTS) == set(PLACES), "divisions.json and generator disagree"
    assert sum(DIVISION_COUNTS.values()) == TOTAL

    g = Gen(SEED)
    records = []
    remaining = dict(DIVISION_COUNTS)
    for div, sector, tmpl in ANCHORS:
        records.append(g.record(div, div_code[div], sector, forced=tmpl))
        remaining[div] -= 1

    for d in divisions:  # iterate in seed-file order for determinism
        div = d["name"]
        weights = SECTOR_WEIGHTS.get(div, W_MOUNTAIN)
        for _ in range(remaining[div]):
            sector = g.rng.choices(SECTOR_ORDER, weights=weights)[0]
            records.append(g.record(div, div_code[div], sector))

    g.rng.shuffle(records)
    return {"demo": True, "note": NOTE, "enterprises": records}


# ---------------------------------------------------------------------------
# Checks (run after generating, and alone with --check)
# ---------------------------------------------------------------------------

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^010-6\d{7}$")


def check(doc):
    divisions = json.loads((SEED_DIR / "divisions.json").read_text(encoding="utf-8"))
    sectors = json.loads((SEED_DIR / "sectors.json").read_text(encoding="utf-8"))
    div_by_code = {d["code"]: d["name"] for d in divisions}
    sector_codes = {s["code"] for s in sectors}

    assert doc["demo"] is True and doc["note"] == NOTE
    ents = doc["enterprises"]
    assert len(ents) == TOTAL, len(ents)
    keys = ["name", "creditCode", "address", "divisionCode", "sectors", "legalRepresentative",
            "safetyContact", "contactPhone", "supervisionClass", "status"]
    for e in ents:
        assert list(e) == keys, e
        assert verify_uscc_independent(e["creditCode"]), e["creditCode"]
        assert e["divisionCode"] in div_by_code, e
        assert e["address"].startswith(address_prefix(div_by_code[e["divisionCode"]])), e
        assert e["sectors"] and set(e["sectors"]) <= sector_codes and len(set(e["sectors"])) == len(e["sectors"]), e
        assert MOBILE_RE.match(e["contactPhone"]) or LANDLINE_RE.match(e["contactPhone"]), e
        assert e["supervisionClass"] in ("A", "B", "C", "D"), e
        assert e["status"] in ("operating", "suspended", "closed"), e
        assert e["legalRepresentative"] and e["safetyContact"], e
    assert len({e["name"] for e in ents}) == TOTAL, "duplicate names"
    assert len({e["creditCode"] for e in ents}) == TOTAL, "duplicate credit codes"
    assert {e["divisionCode"] for e in ents} == set(div_by_code), "a division has no enterprise"
    assert {s for e in ents for s in e["sectors"]} == sector_codes, "a sector has no enterprise"
    assert sum(len(e["sectors"]) == 2 for e in ents) >= 20, "too few two-sector enterprises"
    assert sum("石龙" in e["name"] for e in ents) >= 3
    assert sum("龙泉" in e["name"] for e in ents) >= 3
    assert sum(any(ch in e["name"] for ch in "爨岢碣燚") for e in ents) >= 3
    statuses = Counter(e["status"] for e in ents)
    assert statuses["operating"] > 0.75 * TOTAL, statuses


def self_test():
    # Weight tables used by the generator match their closed forms.
    assert USCC_WEIGHTS == [pow(3, i, 31) for i in range(17)]
    assert ORG_WEIGHTS == [pow(2, 8 - i, 11) for i in range(8)]
    # Known-answer test: the example code printed in GB 32100-2015.
    example = "91350100M000100Y43"
    assert org_check(example[8:16]) == example[16] and uscc_check(example[:17]) == example[17]
    assert uscc_arithmetic_ok(example)
    assert not verify_uscc_independent(example)  # valid, but not a 110109 code
    # Every single-character change of a generated code is detected.
    sample = Gen(1).code("1")
    assert verify_uscc_independent(sample)
    for i in range(18):
        for ch in USCC_CHARSET + "IOSVZ":
            if ch != sample[i]:
                assert not verify_uscc_independent(sample[:i] + ch + sample[i + 1:])


def main():
    self_test()
    if "--check" in sys.argv[1:]:
        doc = json.loads(OUT.read_text(encoding="utf-8"))
        check(doc)
        print(f"ok: {OUT} ({len(doc['enterprises'])} enterprises) passes all checks")
        return
    doc = generate()
    check(doc)
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # re-read what was written and check again
    check(json.loads(OUT.read_text(encoding="utf-8")))
    ents = doc["enterprises"]
    print(f"wrote {OUT} with {len(ents)} enterprises")
    print("  per sector:", dict(Counter(s for e in ents for s in e["sectors"])))
    print("  two-sector:", sum(len(e["sectors"]) == 2 for e in ents))
    print("  status:", dict(Counter(e["status"] for e in ents)))
    print("  class:", dict(sorted(Counter(e["supervisionClass"] for e in ents).items())))
    print("  kind (pos 2):", dict(Counter(e["creditCode"][1] for e in ents)))


if __name__ == "__main__":
    main()
