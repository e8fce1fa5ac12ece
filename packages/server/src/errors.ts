import type { WechatErrorKind } from "@wegate/wechat";

/**
 * The one catalogue of wegate error codes. Each entry: the `code` clients see in
 * the envelope, the HTTP status, and the message in Chinese (default — end users
 * read it in wx.showModal) and English. Numbers 0, -1, 700, 2000 and 10000 are
 * API Factory's and clients depend on them; never renumber an entry.
 */
const catalogue = {
  ok: { code: 0, status: 200, zh: "success", en: "success" },
  favorited: { code: 0, status: 200, zh: "已收藏", en: "In favorites" },
  notFavorited: { code: -1, status: 200, zh: "未收藏", en: "Not in favorites" },
  badInput: { code: 300, status: 400, zh: "参数错误", en: "Invalid parameters" },
  outOfStock: { code: 301, status: 409, zh: "库存不足", en: "Not enough stock" },
  noData: { code: 700, status: 200, zh: "暂无数据", en: "No data" },
  notFound: { code: 700, status: 404, zh: "数据不存在", en: "Not found" },
  routeNotFound: { code: 404, status: 404, zh: "接口不存在", en: "No such API" },
  tenantNotFound: { code: 901, status: 404, zh: "商户不存在", en: "Unknown tenant (subDomain)" },
  malformedRequest: { code: 400, status: 400, zh: "请求格式错误", en: "Malformed HTTP request" },
  requestTimeout: { code: 408, status: 408, zh: "请求超时", en: "The request took too long to arrive" },
  payloadTooLarge: { code: 413, status: 413, zh: "请求体过大", en: "Request body too large" },
  uriTooLong: { code: 414, status: 414, zh: "请求地址过长", en: "Request URL too long" },
  unsupportedMediaType: { code: 415, status: 415, zh: "不支持的请求格式", en: "Unsupported Content-Type" },
  rateLimited: { code: 429, status: 429, zh: "请求过于频繁，请稍后再试", en: "Too many requests, try again later" },
  expectationFailed: { code: 417, status: 417, zh: "不支持该 Expect 请求头", en: "The Expect header cannot be met (only 100-continue is)" },
  headersTooLarge: { code: 431, status: 431, zh: "请求头或查询参数过长", en: "Request headers or query string too large" },
  internal: { code: 500, status: 500, zh: "服务器内部错误", en: "Internal server error" },
  notReady: { code: 503, status: 503, zh: "服务暂不可用", en: "Service not ready" },
  notLoggedIn: { code: 2000, status: 401, zh: "未登录或登录已过期", en: "Not logged in, or the token expired" },
  notRegistered: { code: 10000, status: 404, zh: "用户不存在，请先注册", en: "User not registered" },
  alreadyRegistered: { code: 10000, status: 409, zh: "用户已注册", en: "User already registered" },
  // One entry per class of WeChat failure (mapped at the packages/wechat boundary).
  wechatCodeInvalid: { code: 30001, status: 400, zh: "登录凭证无效或已过期，请重新登录", en: "Invalid or expired wx.login code" },
  wechatCodeUsed: { code: 30002, status: 400, zh: "登录凭证已被使用，请重新登录", en: "wx.login code already used" },
  wechatRateLimited: { code: 30003, status: 429, zh: "登录过于频繁，请稍后再试", en: "WeChat rate limit reached for this user" },
  wechatRiskBlocked: { code: 30004, status: 403, zh: "该微信账号存在风险，暂时无法登录", en: "WeChat blocked this user as high-risk" },
  wechatUnavailable: { code: 30005, status: 503, zh: "微信服务繁忙，请稍后再试", en: "WeChat is unavailable, try again later" },
  wechatTimeout: { code: 30006, status: 504, zh: "微信服务响应超时，请稍后再试", en: "WeChat did not answer in time" },
  decryptFailed: { code: 30007, status: 400, zh: "数据解密失败，请重新授权", en: "Could not decrypt the data (stale session_key or tampered data)" },
  watermarkMismatch: { code: 30007, status: 400, zh: "数据来源校验失败，请重新授权", en: "The encrypted data was made for another app" },
  phoneCodeInvalid: { code: 30008, status: 400, zh: "手机号授权已失效，请重新授权", en: "Invalid, expired or used getPhoneNumber code" },
  noSessionKey: { code: 30011, status: 400, zh: "登录状态已变化，请重新授权", en: "No session_key for this user: send a fresh wx.login code with the data" },
  // An operator disabled the user (console). Neither 2000 nor 10000: API Factory clients answer those by logging in or registering again, in a loop; like 30004, the page shows msg.
  userDisabled: { code: 30012, status: 403, zh: "该账号已被停用，请联系商家", en: "This account was disabled by the shop" },
  wechatMisconfigured: { code: 30009, status: 502, zh: "小程序配置错误，请联系管理员", en: "The mini program's WeChat credentials are wrong or not allowed" },
  wechatError: { code: 30010, status: 502, zh: "微信服务异常，请稍后再试", en: "WeChat returned an unexpected error" },
  // Uploads (media/): one entry per reason a file is refused; nothing is stored for any of them.
  uploadNotMultipart: { code: 41001, status: 415, zh: "请以 multipart/form-data 表单上传文件", en: "Send the file as multipart/form-data" },
  uploadFileMissing: { code: 41002, status: 400, zh: "缺少文件", en: "No file" },
  uploadTooManyFiles: { code: 41003, status: 400, zh: "一次只能上传一个文件", en: "Only one file per upload" },
  uploadTooLarge: { code: 41004, status: 413, zh: "文件过大", en: "File too large" },
  uploadEmpty: { code: 41005, status: 400, zh: "文件为空", en: "The file is empty" },
  uploadNotImage: { code: 41006, status: 415, zh: "只能上传 JPEG、PNG、WebP 或 GIF 图片", en: "Only JPEG, PNG, WebP or GIF images can be uploaded" },
  uploadCorrupt: { code: 41007, status: 400, zh: "图片已损坏或不完整", en: "The image is damaged or incomplete" },
  uploadExtraData: { code: 41008, status: 400, zh: "图片结尾后还有其他数据，请重新保存为普通图片后再上传", en: "The file carries other data after the image: save it again as a plain image" },
  uploadTooManyPixels: { code: 41009, status: 413, zh: "图片尺寸过大", en: "The image has too many pixels" },
  uploadQuotaExceeded: { code: 41010, status: 429, zh: "今日上传次数已达上限，请明天再试", en: "Daily upload quota reached, try again tomorrow" },
  avatarNotUploaded: {
    code: 41011,
    status: 400,
    zh: "头像是手机上的临时文件，请先上传（/dfs/upload/file），再保存返回的 url",
    en: "avatarUrl is a temporary file on the phone: upload it first (/dfs/upload/file) and save the url it answers",
  },
  // The operator console's API (/admin/api, admin/).
  adminNotLoggedIn: { code: 60001, status: 401, zh: "管理员未登录或登录已过期", en: "Operator not logged in, or the console session expired" },
  adminLoginFailed: { code: 60002, status: 401, zh: "用户名或密码错误", en: "Wrong username or password" },
  adminForbidden: { code: 60003, status: 403, zh: "无权执行此操作", en: "Forbidden" },
  adminCsrfFailed: { code: 60004, status: 403, zh: "请求来源校验失败，请刷新页面后重试", en: "CSRF check failed: reload the console and try again" },
  adminAccountLocked: { code: 60005, status: 429, zh: "登录失败次数过多，账号已临时锁定，请稍后再试", en: "Account locked after too many failed logins, try again later" },
  // The password was right and the operator has TOTP on (admin/totp.ts): the console asks for the code.
  adminTotpRequired: { code: 60030, status: 401, zh: "请输入身份验证器中的动态验证码", en: "Enter the code from your authenticator app" },
  adminTotpInvalid: { code: 60031, status: 401, zh: "动态验证码错误或已使用", en: "Wrong or already used authenticator code" },
  tenantExists: { code: 60010, status: 409, zh: "商户已存在", en: "A tenant of that subDomain already exists" },
  appidTaken: { code: 60011, status: 409, zh: "该 AppID 已属于其他商户", en: "That AppID belongs to another tenant" },
  // The console's catalogue (admin/api/goods.ts, categories.ts, pictures.ts, goods-import.ts).
  goodsNameTaken: { code: 60020, status: 409, zh: "已有同名商品", en: "A goods of that name already exists" },
  categoryNotFound: { code: 60021, status: 400, zh: "分类不存在", en: "No such category" },
  categoryInUse: { code: 60022, status: 409, zh: "该分类下还有商品，不能删除", en: "Goods still use this category: move or delete them first" },
  categoryNameTaken: { code: 60023, status: 409, zh: "已有同名分类", en: "A category of that name already exists" },
  goodsOptionsInvalid: { code: 60024, status: 400, zh: "商品规格无效", en: "Invalid goods options (sku)" },
  goodsPriceInvalid: { code: 60025, status: 400, zh: "原价不能低于售价", en: "originalPrice is below price" },
  goodsPicInvalid: { code: 60026, status: 400, zh: "图片地址无效", en: "Invalid picture URL" },
  importFileInvalid: { code: 60027, status: 400, zh: "导入文件无法读取", en: "The catalogue text cannot be read" },
} as const satisfies Record<string, ErrorDefinition>;

export interface ErrorDefinition {
  code: number;
  status: number;
  zh: string;
  en: string;
}

export type ErrorName = keyof typeof catalogue;
export const errors: Readonly<Record<ErrorName, ErrorDefinition>> = catalogue;

/**
 * What an error adds to its catalogue message (which field, how many are
 * left), in both languages: a message is whole in the request's language.
 * Never secrets.
 */
export interface Detail {
  zh: string;
  en: string;
}

export const detail = (zh: string, en: string): Detail => ({ zh, en });

/** Thrown by handlers; the one error handler turns it into the envelope. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly definition: ErrorDefinition;
  constructor(
    readonly errorName: ErrorName,
    readonly detail?: Detail,
  ) {
    super(detail ? `${errorName}: ${detail.en}` : errorName);
    this.definition = errors[errorName];
  }
}

const errorByWechatKind: Record<WechatErrorKind, ErrorName> = {
  invalid_code: "wechatCodeInvalid",
  code_used: "wechatCodeUsed",
  rate_limited: "wechatRateLimited",
  risk_blocked: "wechatRiskBlocked",
  busy: "wechatUnavailable",
  unavailable: "wechatUnavailable",
  bad_answer: "wechatUnavailable",
  circuit_open: "wechatUnavailable",
  timeout: "wechatTimeout",
  config: "wechatMisconfigured",
  invalid_credential: "wechatMisconfigured",
  quota_exceeded: "wechatUnavailable",
  invalid_signature: "wechatError",
  unknown: "wechatError",
  illegal_aes_key: "decryptFailed",
  illegal_iv: "decryptFailed",
  illegal_buffer: "decryptFailed",
  data_expired: "decryptFailed",
  watermark_mismatch: "watermarkMismatch",
};

export function errorNameForWechat(kind: WechatErrorKind): ErrorName {
  return errorByWechatKind[kind];
}
