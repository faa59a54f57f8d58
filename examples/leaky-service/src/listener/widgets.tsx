// Dashboard widgets: window listeners, RxJS streams and observers from effects.
import { useEffect, useRef, useState } from "react";
import { fromEvent, interval } from "rxjs";

export function ScrollDepth() {
  const [depth, setDepth] = useState(0);
  useEffect(() => {
    // LEAK: the window listener outlives the widget.
    window.addEventListener("scroll", () => setDepth(window.scrollY));
  }, []);
  return <span>{depth}</span>;
}

export function ScrollDepthOk() {
  const [depth, setDepth] = useState(0);
  useEffect(() => {
    // OK: the same function is removed in the cleanup.
    const onScroll = () => setDepth(window.scrollY);
    window.addEventListener("scroll", onScroll);
    return () => window.removeEventListener("scroll", onScroll);
  }, []);
  return <span>{depth}</span>;
}

export function Ticker() {
  const [n, setN] = useState(0);
  useEffect(() => {
    // LEAK: the subscription is dropped and never unsubscribed.
    interval(1000).subscribe(setN);
  }, []);
  return <span>{n}</span>;
}

export function TickerOk() {
  const [n, setN] = useState(0);
  useEffect(() => {
    // OK: unsubscribed in the cleanup.
    const subscription = fromEvent(document, "visibilitychange").subscribe(() => setN((x) => x + 1));
    return () => subscription.unsubscribe();
  }, []);
  return <span>{n}</span>;
}

export function AutoSize() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // LEAK: the observer is never disconnected.
    new ResizeObserver(() => console.log("resized")).observe(ref.current!);
  }, []);
  return <div ref={ref} />;
}

export function AutoSizeOk() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // OK: disconnected in the cleanup.
    const observer = new ResizeObserver(() => console.log("resized"));
    observer.observe(ref.current!);
    return () => observer.disconnect();
  }, []);
  return <div ref={ref} />;
}
