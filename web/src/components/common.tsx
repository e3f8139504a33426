import type { ReactNode } from 'react';
import { Alert, Button, Empty, Space, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { errorText } from '../api/client';
import { isMissing } from '../lib/useApi';

export function PageHeader({ title, subTitle, extra, back, tags }: { title: ReactNode; subTitle?: ReactNode; extra?: ReactNode; back?: string; tags?: ReactNode }) {
  const navigate = useNavigate();
  return (
    <div className="page-header">
      <Space align="center" wrap>
        {back && <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回" onClick={() => navigate(back)} />}
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {subTitle && <Typography.Text type="secondary">{subTitle}</Typography.Text>}
        {tags}
      </Space>
      {extra && <Space wrap>{extra}</Space>}
    </div>
  );
}

/** A failed load: a missing endpoint reads "not available yet", anything else the reason and a retry. */
export function LoadError({ error, onRetry, what }: { error: unknown; onRetry?: () => void; what: string }) {
  if (isMissing(error)) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={`${what}暂未开放（服务未提供该接口或对象不存在）`} />;
  }
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={`${what}载入失败`}
      description={errorText(error)}
      action={onRetry ? <Button onClick={onRetry}>重试</Button> : undefined}
    />
  );
}

/**
 * Puts the keyboard in the first field of a dialog once it is shown (autoFocus alone loses the race
 * with the dialog's opening animation).
 */
export function focusFirstField(root: HTMLElement | null): void {
  const field = root?.querySelector<HTMLElement>('input:not([type="hidden"]):not([disabled]), textarea:not([disabled])');
  field?.focus();
}
