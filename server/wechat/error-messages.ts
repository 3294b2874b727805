// Chinese explanations of WeChat's errcodes, for staff who publish menus and send messages.
// Meanings follow the official global return-code table (see docs/wechat.md §4, §5);
// each line adds what to do about it, because the raw errmsg ("invalid button name size") does not.

const MESSAGES: Readonly<Record<number, string>> = {
  [-1]: '微信系统繁忙，请稍后再试',
  40001: 'access_token 无效或不是最新的（AppSecret 错误，或另一台服务器刷新了 token）',
  40002: '不合法的凭证类型（grant_type）',
  40003: '不合法的 OpenID：该用户不存在或不属于本公众号',
  40007: '不合法的媒体文件 ID（media_id）',
  40008: '不合法的消息类型',
  40013: 'AppID 无效，请检查 WECHAT_APPID',
  40014: 'access_token 不合法',
  40015: '不合法的菜单类型',
  40016: '菜单一级按钮个数不合法：应为 1~3 个',
  40017: '菜单按钮类型不合法，或缺少该类型必需的 key/url',
  40018: '菜单名称长度超过限制：一级菜单名称最多 16 字节（约 5 个汉字）',
  40019: '菜单按钮 KEY 长度不合法：最多 128 字节',
  40020: '菜单按钮链接（URL）长度不合法：最多 1024 字节',
  40021: '不合法的菜单版本号',
  40022: '子菜单级数不合法：子菜单下不能再有子菜单',
  40023: '子菜单按钮个数不合法：每个一级菜单下应为 1~5 个',
  40024: '子菜单按钮类型不合法，或缺少该类型必需的 key/url',
  40025: '子菜单名称长度超过限制：二级菜单名称最多 60 字节',
  40026: '子菜单按钮 KEY 长度不合法：最多 128 字节',
  40027: '子菜单按钮链接（URL）长度不合法：最多 1024 字节',
  40037: '模板 ID 不合法，请检查公众号后台的模板消息设置',
  40054: '子菜单链接的域名不合法',
  40055: '菜单链接的域名不合法',
  40119: '菜单按钮类型错误',
  40120: '菜单按钮类型错误',
  40121: '不合法的 media_id 类型',
  40125: 'AppSecret 无效，请检查 WECHAT_SECRET',
  40164: '调用接口的服务器 IP 不在公众号后台的 IP 白名单中',
  41001: '缺少 access_token 参数',
  41007: '缺少子菜单数据',
  42001: 'access_token 已过期',
  43004: '该用户未关注公众号，无法接收消息',
  44003: '图文消息内容为空',
  44004: '消息内容为空',
  45008: '图文消息的文章数超过限制',
  45009: '接口调用超过每日次数限制，请明天再试',
  45010: '创建菜单个数超过限制',
  45015: '回复时间超过限制：用户 48 小时内未与公众号互动，或已取消关注，无法发送客服消息',
  45047: '客服消息下行条数超过上限',
  45064: '菜单包含未关联的小程序',
  46002: '不存在的菜单版本',
  46003: '公众号尚未通过接口创建菜单',
  47001: '提交的数据格式错误（不是合法的 JSON 或缺少必需字段）',
  48001: '公众号没有该接口的权限（未认证或类型不支持）',
  65301: '不存在此 menuid 对应的个性化菜单',
  65302: '没有相应的用户',
  65303: '没有默认菜单，不能创建个性化菜单',
  65304: '个性化菜单的匹配规则（matchrule）为空',
  65305: '个性化菜单数量受限',
  65306: '该公众号不支持个性化菜单',
  65307: '个性化菜单信息为空',
  65308: '菜单中有按钮没有设置响应动作',
  65309: '个性化菜单开关处于关闭状态',
  65310: '填写了省份或城市信息，国家信息不能为空',
  65311: '填写了城市信息，省份信息不能为空',
  65312: '不合法的国家信息',
  65313: '不合法的省份信息',
  65314: '不合法的城市信息',
  65316: '菜单外跳链接的域名过多（最多 3 个域名）',
  65317: '菜单中有不合法的 URL',
  65320: '个性化菜单的匹配规则含有已不再支持的隐私字段（性别、地区、语言）',
};

/** The Chinese message for a WeChat errcode; unknown codes keep WeChat's own errmsg. */
export function wechatErrorMessage(errcode: number, errmsg: string): string {
  const known = MESSAGES[errcode];
  return known ? `微信接口错误 ${errcode}：${known}` : `微信接口返回错误 ${errcode}: ${errmsg}`;
}

/** Codes that mean "this access_token is no good": refresh and retry once. */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
