import './base.css';
import './dialog.css';
import './main-area.css';
import './table.css';
