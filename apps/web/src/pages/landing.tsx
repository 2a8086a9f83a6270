/** Landing page `/` (issue 6): the three faces of the platform. */
import { Card, Col, Row, Typography } from 'antd';
import { Link } from 'react-router';
import { useI18n } from '../i18n.js';
import { Shell } from '../shell.js';

const FACES = [
  { path: '/portal', title: 'face.portal', about: 'face.portal.about' },
  { path: '/counter', title: 'face.counter', about: 'face.counter.about' },
  { path: '/admin', title: 'face.admin', about: 'face.admin.about' },
] as const;

export function LandingPage() {
  const { t } = useI18n();
  return (
    <Shell>
      <Typography.Title level={2}>{t('app.title')}</Typography.Title>
      <Typography.Paragraph>{t('landing.intro')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {FACES.map((face) => (
          <Col xs={24} md={8} key={face.path}>
            <Card title={t(face.title)} extra={<Link to={face.path}>{t('face.open')}</Link>}>
              {t(face.about)}
            </Card>
          </Col>
        ))}
      </Row>
    </Shell>
  );
}
