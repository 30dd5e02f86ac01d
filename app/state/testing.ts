/** Test helper: a stand-in for a worker query whose answers arrive when the test says so. */
export function deferredQueries<A extends unknown[], V>(answerOf: (...args: A) => V | Promise<V>) {
  const asked: { args: A; answer: () => Promise<void> }[] = [];
  const fetch = (...args: A) =>
    new Promise<V>((resolve) => {
      asked.push({
        args,
        answer: async () => {
          resolve(await answerOf(...args));
          await new Promise((r) => setTimeout(r, 0)); // lets the fetcher act on it
        },
      });
    });
  return { asked, fetch };
}
