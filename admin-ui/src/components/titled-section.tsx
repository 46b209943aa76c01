import React from 'react';

/** Props of {@link TitledSection}. */
export interface TitledSectionProps {
  /** The id of the `<h2>`, which names the section (and may name a table in it). */
  headingId: string;
  /** The (translated) heading. */
  title: string;
  /** The section's class, e.g. `jp-Turing-Admin-section` for a column with gaps. */
  className?: string;
  children: React.ReactNode;
}

/** A `<section>` named by its `<h2>`. */
export function TitledSection({
  headingId,
  title,
  className,
  children,
}: TitledSectionProps): React.ReactElement {
  return (
    <section className={className} aria-labelledby={headingId}>
      <h2 id={headingId} className="jp-Turing-Admin-h2">
        {title}
      </h2>
      {children}
    </section>
  );
}
