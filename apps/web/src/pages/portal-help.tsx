/**
 * `/portal/help`: help and FAQ of the online subsystem (R34 "asks questions, queries
 * information"), static, in both languages. Open without a session.
 */
import { Collapse, Typography } from 'antd';
import { useI18n } from '../i18n.js';

const FAQ: Readonly<Record<'zh-CN' | 'en', readonly (readonly [string, string])[]>> = {
  'zh-CN': [
    [
      '如何登录法人门户？',
      '经办人可用在本平台登记过的手机号接收短信验证码登录；持有本单位签名证书的，也可使用证书登录。验证码 5 分钟内有效，只能使用一次。',
    ],
    [
      '什么是电子授权书？',
      '经办人在线申请时，系统生成电子授权书，载明单位名称、统一社会信用代码、法定代表人、经办人姓名和证件号码、授权业务、有效期和随机数。法定代表人以本单位签名证书签署后，平台核验签名、证书状态、法人库登记的法定代表人和有效期，全部通过即自动审核通过，无需到网点。',
    ],
    [
      '授权书核验未通过怎么办？',
      '若法人库信息与授权书不一致或暂时无法查询，申请转人工审核；若签名或证书有问题，请按提示更换证书或重新签署。已签署过的授权书不能重复使用。',
    ],
    [
      '证书何时可以更新？',
      '证书到期前进入更新期（由平台服务策略设定，默认 90 天），首页会提示，可在线更新，新证书有效期为原到期日加一年。',
    ],
    ['补办需要付费吗？', '补办按公示的收费标准收取介质费，可在“费用支付”中在线支付。'],
    ['业务记录在哪里查？', '“业务记录”列出本单位所有业务申请；“站内消息”显示各申请的最新状态。'],
  ],
  en: [
    [
      'How do I log in?',
      'An agent registered with us receives a login code by SMS on the registered mobile number; holders of the organisation’s signing certificate can also log in with it. A code is valid for 5 minutes and works once.',
    ],
    [
      'What is the electronic authorisation letter?',
      'When an agent applies online, the system draws a letter naming the organisation and its credit code, the legal representative, the agent’s name and ID number, the business, a validity period and a nonce. Once the legal representative signs it with the organisation’s signing certificate, the platform verifies the signature, the certificate’s status, the representative in the legal-person registry and the validity; if all pass, the application is approved without a visit to a branch.',
    ],
    [
      'The letter did not verify. What now?',
      'If the registry differs from the letter or cannot be asked, the application goes to manual review; if the signature or certificate is at fault, sign again with the right certificate. A signed letter cannot be used twice.',
    ],
    [
      'When can I renew?',
      'Inside the renewal window before expiry (set by the platform’s service policy, 90 days by default) the home page prompts you; renew online, the new certificate runs to the old expiry plus one year.',
    ],
    [
      'Does a reissue cost anything?',
      'A reissue charges the medium fee of the published fee schedule; pay it online under Fees.',
    ],
    [
      'Where are our business records?',
      'Records lists every application of your organisation; Messages shows the latest state of each.',
    ],
  ],
};

export function PortalHelpPage() {
  const { t, language } = useI18n();
  return (
    <>
      <Typography.Title level={2}>{t('portal.help.title')}</Typography.Title>
      <Collapse
        defaultActiveKey={['0']}
        items={FAQ[language].map(([question, answer], index) => ({
          key: String(index),
          label: question,
          children: <Typography.Paragraph>{answer}</Typography.Paragraph>,
        }))}
      />
    </>
  );
}
