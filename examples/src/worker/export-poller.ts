import request from 'superagent';

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

interface ExportJob { id: string; state: 'queued' | 'running' | 'done' | 'failed'; url?: string }

// ❌ superagent sets no timeout: a stalled reporting service blocks this worker forever.
async function jobStatus(id: string): Promise<ExportJob> {
  const res = await request.get(`${process.env.REPORTS_URL}/exports/${id}`).set('accept', 'application/json');
  return res.body as ExportJob;
}

// ✅ Polling for a state change is not a retry: no failure drives the loop, and the number of polls is bounded.
export async function waitForExport(id: string, maxPolls = 60): Promise<string> {
  for (let poll = 0; poll < maxPolls; poll++) {
    const job = await jobStatus(id);
    if (job.state === 'done' && job.url) return job.url;
    if (job.state === 'failed') throw new Error(`export ${id} failed`);
    await sleep(5_000);
  }
  throw new Error(`export ${id} still running after ${maxPolls} polls`);
}

// ✅ A bounded request with a response timeout and an overall deadline.
export async function downloadExport(url: string): Promise<Buffer> {
  const res = await request.get(url).timeout({ response: 5_000, deadline: 60_000 }).buffer(true);
  return res.body as Buffer;
}
