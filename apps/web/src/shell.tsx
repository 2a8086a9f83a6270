/**
 * The frame around every page (issue 6): title, the face's menu, the language switch and, once
 * logged in, who is logged in and a logout. Operator pages sit behind `RequireOperator`, which
 * sends a visitor without a session to the face's login page.
 */
import { Button, Layout, Menu, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { currentSession, logout } from './api.js';
import { type MessageKey, useI18n } from './i18n.js';

export interface NavItem {
  readonly path: string;
  readonly label: MessageKey;
}

export function Shell({
  nav = [],
  children,
}: {
  readonly nav?: readonly NavItem[];
  readonly children: ReactNode;
}) {
  const { t, toggle } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const session = currentSession();
  const face = location.pathname.split('/')[1] ?? '';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <Link to="/" style={{ color: '#fff', fontWeight: 600, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Link>
        {/* a nav landmark around the face's menu; an empty menu would be an empty ARIA menu */}
        <nav style={{ flex: 1, minWidth: 0 }}>
          {nav.length > 0 && (
            <Menu
              theme="dark"
              mode="horizontal"
              selectedKeys={[location.pathname]}
              items={nav.map((item) => ({
                key: item.path,
                label: <Link to={item.path}>{t(item.label)}</Link>,
              }))}
            />
          )}
        </nav>
        <Space>
          {session && face !== '' && (
            <>
              <Typography.Text style={{ color: '#fff' }}>
                {session.principal.name ?? session.principal.id}
              </Typography.Text>
              <Button
                onClick={() => {
                  void logout().finally(() => navigate(`/${face}/login`));
                }}
              >
                {t('login.logout')}
              </Button>
            </>
          )}
          <Button onClick={toggle} lang={t('app.switch') === 'English' ? 'en' : 'zh-CN'}>
            {t('app.switch')}
          </Button>
        </Space>
      </Layout.Header>
      {/* antd's Layout.Content is the <main> landmark itself: no second main inside */}
      <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
    </Layout>
  );
}

/** Operator pages: without a session, the face's login page (coming back here after it). */
export function RequireOperator({ face, children }: { readonly face: string; readonly children: ReactNode }) {
  const location = useLocation();
  if (!currentSession())
    return <Navigate to={`/${face}/login`} replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}
