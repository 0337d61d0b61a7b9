import { checkAlerts, emailAlerts, type AlertMailer } from '../../core/alerts/alerts';
import type { Services } from './services';

/**
 * The scheduled alert check (the repeatable 'alerts' job): every merchant's conditions are checked,
 * alerts raised or resolved, and due emails sent. One merchant's failure (their mail refused) does
 * not stop the others; the job then fails naming them, so it is logged and retried (an email already
 * sent is not sent again: it is claimed before it goes).
 */
export async function runAlertChecks(services: Services, mailer: AlertMailer | undefined): Promise<string> {
  const thresholds = { booksBacklogMinutes: services.config.ALERT_BOOKS_BACKLOG_MINUTES, quietWebhookHours: services.config.ALERT_QUIET_WEBHOOK_HOURS };
  const merchants = await services.db.query<{ id: string; name: string }>('SELECT id, name FROM merchants ORDER BY id');
  let raised = 0;
  let resolved = 0;
  let emailed = 0;
  const failures: string[] = [];
  for (const m of merchants) {
    try {
      const outcome = await checkAlerts(services.db, m.id, thresholds);
      raised += outcome.raised;
      resolved += outcome.resolved;
      if (mailer) emailed += await emailAlerts(services.db, m.id, mailer, m.name);
    } catch (error) {
      failures.push(`${m.id}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`alert check failed for ${failures.length} merchant(s): ${failures.join('; ')}`);
  return `alerts checked for ${merchants.length} merchant(s): ${raised} raised, ${resolved} resolved, ${emailed} emailed`;
}
