// Times in the queue are the reader's local time, not the server's UTC, with how long ago.
import { test, expect } from "./workspace";

test.use({ timezoneId: "Asia/Shanghai" });

test("task times show in the browser's time zone", async ({ workspace: w }) => {
  await w.field("prompt").fill("What time is it in Shanghai");
  await w.generate.click();
  const time = w.tasks.first().getByTestId("task-time");
  const utc = new Date((await time.getAttribute("datetime")) as string);
  const shanghai = new Date(utc.getTime() + 8 * 3600 * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const expected = `${two(shanghai.getUTCHours())}:${two(shanghai.getUTCMinutes())}:${two(shanghai.getUTCSeconds())}`;
  await expect(time).toHaveText(expected);
  await expect(w.tasks.first().getByTestId("task-ago")).toHaveText("just now");
});
