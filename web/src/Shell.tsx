import { Suspense, type ReactNode } from 'react';
import { Button, Layout, Menu, Space, Spin, Tag, Tooltip } from 'antd';
import {
  AccountBookOutlined, AppstoreOutlined, BarChartOutlined, FileSearchOutlined, LogoutOutlined, PlusCircleOutlined, SwapOutlined,
} from '@ant-design/icons';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { Base, Me, Page } from './api/types';
import { useApi } from './lib/useApi';
import { canReadCases, canRegister, canSeeAllocations, canSeeEscrow, useAuth, useMe } from './auth/AuthContext';
import { ALL_DISTRICTS, zh } from './lib/vocab';

/** Where a client lands after signing in. */
export function homeOf(me: Me): string {
  if (canReadCases(me)) return '/cases';
  if (me.role === 'baseManager') return '/projects';
  return '/dashboard';
}

function menuItems(me: Me) {
  const items: { key: string; icon: ReactNode; label: ReactNode }[] = [];
  if (canReadCases(me)) items.push({ key: '/cases', icon: <FileSearchOutlined />, label: <Link to="/cases">案件管理</Link> });
  if (canRegister(me)) items.push({ key: '/cases/new', icon: <PlusCircleOutlined />, label: <Link to="/cases/new">登记线索</Link> });
  items.push({ key: '/projects', icon: <AppstoreOutlined />, label: <Link to="/projects">修复项目库</Link> });
  if (canSeeAllocations(me)) items.push({ key: '/allocations', icon: <SwapOutlined />, label: <Link to="/allocations">资金分配</Link> });
  if (canSeeEscrow(me)) items.push({ key: '/escrow', icon: <AccountBookOutlined />, label: <Link to="/escrow">提存台账</Link> });
  items.push({ key: '/dashboard', icon: <BarChartOutlined />, label: <Link to="/dashboard">统计看板</Link> });
  return items;
}

export function Shell() {
  const me = useMe();
  const { signOut } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const items = menuItems(me);
  const selected = items
    .map((i) => i.key)
    .filter((k) => location.pathname === k || location.pathname.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)
    .slice(0, 1);
  const bases = useApi<Page<Base>>(me.role === 'baseManager' ? '/bases' : null, { limit: 200 });
  const baseName = (id: string) => bases.data?.items.find((b) => b.id === id)?.name ?? id;
  const scope = me.role === 'baseManager' ? me.baseIds.map(baseName) : me.districts;
  const allDistricts = me.districts.includes(ALL_DISTRICTS);

  return (
    <Layout className="shell">
      <Layout.Header className="shell-header">
        <Link to="/" className="shell-brand">
          <span className="shell-emblem" aria-hidden>
            生
          </span>
          生态环境损害赔偿案件办理系统
        </Link>
        <Space className="shell-user" size="middle" data-testid="whoami">
          <span>{me.name}</span>
          <Tag color="blue" data-testid="role">
            {zh('roles', me.role)}
          </Tag>
          <Tooltip title={me.role === 'baseManager' ? '管理的修复基地' : '管辖辖区'}>
            <span className="shell-scope" data-testid="scope">
              {me.role === 'baseManager' ? '基地：' : '辖区：'}
              {allDistricts && me.role !== 'baseManager' ? '全部辖区' : scope.join('、') || '—'}
            </span>
          </Tooltip>
          <Button
            icon={<LogoutOutlined />}
            onClick={() => {
              signOut();
              navigate('/login', { replace: true });
            }}
          >
            退出登录
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={188} className="shell-sider" breakpoint="lg" collapsedWidth={64}>
          <Menu mode="inline" selectedKeys={selected} items={items} className="shell-menu" />
        </Layout.Sider>
        <Layout.Content className="shell-content">
          <Suspense fallback={<Spin size="large" className="page-spin" />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
