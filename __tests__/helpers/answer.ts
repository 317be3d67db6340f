// A simulator's answer as tests read it: status, headers, text, and the JSON if it is JSON.

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // Parsed body (tests only read a few known fields).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
