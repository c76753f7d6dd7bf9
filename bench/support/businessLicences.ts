// Business-licence inputs for the gateway benchmark: varied, valid against the seeded schema, ~1 KB as records.
import type { IssueInput } from "../../services/gateway/src/records/issueRecord.ts";

/** GB 32100-2015: the code's alphabet and the weights of its first 17 characters (as lib/identifiers/creditCode.ts). */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A deterministic, valid unified social credit code for `n` (Huairou district, enterprise). */
export function creditCode(n: number): string {
  let orgCode = "";
  let x = n + 1;
  for (let i = 0; i < 9; i++) {
    orgCode = ALPHABET[x % 31] + orgCode;
    x = Math.floor(x / 31);
  }
  const body = `91110116${orgCode}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(body[i] as string) * (WEIGHTS[i] as number);
  return `${body}${ALPHABET[(31 - (sum % 31)) % 31]}`;
}

const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红";
const WORDS = ["雁栖", "怀北", "琉璃", "红螺", "慕田", "汤河", "喇叭", "渤海", "杨宋", "庙城", "长哨", "宝山"];
const TRADES = ["科技", "信息技术", "文化传媒", "生物医药", "新材料", "智能制造", "数据服务", "农业发展"];
const SCOPE = [
  "技术开发、技术咨询、技术交流、技术转让、技术推广、技术服务",
  "软件开发；信息系统集成服务；信息技术咨询服务；数据处理和存储支持服务",
  "计算机系统服务；基础软件服务；应用软件服务；人工智能应用软件开发",
  "组织文化艺术交流活动；会议及展览服务；企业形象策划；市场营销策划",
  "销售电子产品、计算机、软件及辅助设备、通讯设备、机械设备、五金交电",
  "货物进出口；技术进出口；代理进出口",
  "影视策划；广告设计、代理；广告制作；广告发布；摄影扩印服务",
  "医学研究和试验发展；生物基材料技术研发；新材料技术研发",
  "农业科学研究和试验发展；农产品的生产、销售、加工、运输、贮藏及其他相关服务",
  "工程和技术研究和试验发展；专业设计服务；工业设计服务",
];

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
const date = (n: number) => {
  const d = new Date(Date.UTC(2000, 0, 1) + (n % 9000) * 86_400_000);
  return d.toISOString().slice(0, 10);
};

/** The `n`-th business licence: a different company each time, its scope two of the ten lines. */
export function businessLicence(n: number): IssueInput {
  const h = Math.imul(n + 1, 2654435761) >>> 0;
  const first = h % SCOPE.length;
  const scope = `${pick(SCOPE, first)}；${pick(SCOPE, first + 1 + ((h >>> 5) % (SCOPE.length - 1)))}`;
  return {
    credentialType: "business-licence",
    subject: { idType: "unified-social-credit-code", idNumber: creditCode(n) },
    fields: {
      name: `北京${pick(WORDS, h)}${pick(WORDS, h >>> 4)}${pick(TRADES, h >>> 8)}有限公司第${n}分公司`,
      entityType: "有限责任公司（自然人投资或控股）",
      legalRepresentative: `${pick([...SURNAMES], h >>> 12)}${pick([...GIVEN], h >>> 16)}${pick([...GIVEN], h >>> 20)}`,
      registeredCapitalTenThousandYuan: 50 + (h % 9950),
      establishmentDate: date(h),
      businessTermUntil: date(h + 7300),
      domicile: `北京市怀柔区${pick(WORDS, h >>> 24)}镇${pick(WORDS, h >>> 2)}路${(h % 300) + 1}号院${(h % 12) + 1}号楼${(h % 9) + 1}层${(h % 50) + 101}室`,
      businessScope: `${scope}。`,
      registrationAuthority: "北京市怀柔区市场监督管理局",
      issueDate: date(h + 30),
    },
  };
}
