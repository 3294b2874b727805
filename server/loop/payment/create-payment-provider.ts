// Chooses the payment provider from the config (PAY_PROVIDER) and loads the merchant keys.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PaymentConfig } from '../deps.js';
import { ConfigError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { createLocalPaymentProvider } from './local-payment-provider.js';
import type { PaymentProvider } from './payment-provider.js';
import { createWechatPayProvider } from './wechatpay-provider.js';
import { certificateSerial } from './wechatpay-signing.js';

export function createPaymentProvider(config: Readonly<PaymentConfig>, store: Store): PaymentProvider {
  if (config.pay.provider === 'local') {
    return createLocalPaymentProvider({
      publicBaseUrl: config.publicBaseUrl,
      // A separate key from the session secret, so a leaked cookie MAC never signs a payment.
      secret: createHmac('sha256', config.sessionSecret).update('onestop local pay notifications').digest('hex'),
      store,
    });
  }
  const p = config.pay;
  const missing = [
    ['WECHAT_APPID', config.wechat.appId],
    ['WECHATPAY_MCHID', p.mchId],
    ['WECHATPAY_APIV3_KEY', p.apiV3Key],
    ['WECHATPAY_SERIAL_NO', p.serialNo],
    ['WECHATPAY_PRIVATE_KEY', p.privateKeyPath],
    ['WECHATPAY_PLATFORM_CERT', p.platformCertPath],
    ['WECHATPAY_NOTIFY_URL', p.notifyUrl],
  ].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0) throw new ConfigError(`PAY_PROVIDER=wechatpay 还需要设置：${missing.join('、')}`);
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${name} 指向的文件无法读取：${file}（${(err as Error).message}）`);
    }
  };
  const platformPem = read('WECHATPAY_PLATFORM_CERT', p.platformCertPath!);
  const serial = certificateSerial(platformPem);
  try {
    return createWechatPayProvider({
      mchId: p.mchId!,
      appId: config.wechat.appId!,
      apiV3Key: p.apiV3Key!,
      serialNo: p.serialNo!,
      privateKeyPem: read('WECHATPAY_PRIVATE_KEY', p.privateKeyPath!),
      // A certificate is pinned to its serial; a bare WeChat Pay public key (微信支付公钥) is the only key, whatever its id.
      ...(serial ? { platformCerts: { [serial]: platformPem } } : { platformPublicKeyPem: platformPem }),
      notifyUrl: p.notifyUrl!,
      ...(p.apiBase ? { apiBase: p.apiBase } : {}),
    });
  } catch (err) {
    throw new ConfigError(`微信支付配置无效：${(err as Error).message}`);
  }
}
