// The dashboard widget: polls the API from effects.
import { useEffect, useState } from "react";

export function LiveCounter(props: { url: string }) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    // LEAK: the interval outlives the component.
    setInterval(() => {
      void fetch(props.url).then((r) => r.json()).then((body: { count: number }) => setCount(body.count));
    }, 5000);
  }, [props.url]);
  return <span>{count}</span>;
}

export function LiveCounterOk(props: { url: string }) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    // OK: cleared in the effect cleanup.
    const id = setInterval(() => {
      void fetch(props.url).then((r) => r.json()).then((body: { count: number }) => setCount(body.count));
    }, 5000);
    return () => clearInterval(id);
  }, [props.url]);
  return <span>{count}</span>;
}
