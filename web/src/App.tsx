import { lazy, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Spin } from 'antd';
import { useAuth } from './auth/AuthContext';
import { SignIn } from './auth/SignIn';
import { Shell, homeOf } from './Shell';
import { WorkflowProvider } from './workflow/WorkflowContext';
import { NotFound } from './components/NotFound';

const CaseList = lazy(() => import('./cases/CaseList'));
const RegisterLead = lazy(() => import('./cases/RegisterLead'));
const CasePage = lazy(() => import('./cases/CasePage'));
const ProjectLibrary = lazy(() => import('./projects/ProjectLibrary'));
const ProjectPage = lazy(() => import('./projects/ProjectPage'));
const Allocations = lazy(() => import('./projects/Allocations'));
const EscrowLedger = lazy(() => import('./projects/EscrowLedger'));
const Dashboard = lazy(() => import('./dashboard/Dashboard'));

function RequireSignIn({ children }: { children: ReactNode }) {
  const { me, restoring } = useAuth();
  const location = useLocation();
  if (restoring) return <Spin size="large" fullscreen tip="正在验证登录状态…" />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <WorkflowProvider>{children}</WorkflowProvider>;
}

function Home() {
  const { me } = useAuth();
  return <Navigate to={me ? homeOf(me) : '/login'} replace />;
}

export function App() {
  const { me } = useAuth();
  return (
    <Routes>
      <Route path="/login" element={me ? <Navigate to={homeOf(me)} replace /> : <SignIn />} />
      <Route
        element={
          <RequireSignIn>
            <Shell />
          </RequireSignIn>
        }
      >
        <Route index element={<Home />} />
        <Route path="cases" element={<CaseList />} />
        <Route path="cases/new" element={<RegisterLead />} />
        <Route path="cases/:id" element={<CasePage />} />
        <Route path="projects" element={<ProjectLibrary />} />
        <Route path="projects/:id" element={<ProjectPage />} />
        <Route path="allocations" element={<Allocations />} />
        <Route path="escrow" element={<EscrowLedger />} />
        <Route path="dashboard" element={<Dashboard />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
