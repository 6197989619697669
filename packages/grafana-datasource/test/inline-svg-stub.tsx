export default function InlineSVG(props: { className?: string }) {
  return <svg className={props.className} />;
}
