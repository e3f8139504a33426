import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { errorText } from '../api/client';
import { useAuth } from './AuthContext';
import { homeOf } from '../Shell';

/** Sign-in with an API token issued by the system administrator (POST /api/v1/clients). */
export function SignIn() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async ({ token }: { token: string }) => {
    setBusy(true);
    setError(null);
    try {
      const me = await signIn(token);
      navigate(homeOf(me), { replace: true });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin-page">
      <div className="signin-brand">
        <div className="signin-emblem" aria-hidden>
          生
        </div>
        <Typography.Title level={2} style={{ color: '#fff', margin: 0 }}>
          生态环境损害赔偿案件办理系统
        </Typography.Title>
        <Typography.Text style={{ color: 'rgba(255,255,255,0.85)' }}>线索登记 · 索赔磋商 · 修复监管 · 双向匹配与公证提存</Typography.Text>
      </div>
      <Card className="signin-card" title="登录" variant="borderless">
        <Form name="signin" layout="vertical" onFinish={onFinish} requiredMark={false} onValuesChange={() => setError(null)}>
          <Form.Item
            name="token"
            label="访问令牌"
            rules={[{ required: true, whitespace: true, message: '请粘贴系统管理员发放的访问令牌' }]}
            extra="令牌由系统管理员发放，仅保存在本浏览器标签页中，关闭后需重新登录。"
          >
            <Input.Password prefix={<KeyOutlined />} placeholder="请粘贴访问令牌" autoFocus autoComplete="off" />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} role="alert" />}
          <Button type="primary" htmlType="submit" block loading={busy} size="large">
            登录
          </Button>
        </Form>
      </Card>
      <Typography.Text className="signin-footer">© 生态环境局 · 生态环境损害赔偿制度改革</Typography.Text>
    </div>
  );
}
